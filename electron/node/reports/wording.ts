/** The fixed wording of the case report: the verbal scale, the method statement, the map legend. */
import type { Conclusion, DecisionRole } from '../../common/api.js';

/** Each level of the verbal scale as a sentence about the two propositions. */
export const CONCLUSION_WORDING: Record<Conclusion, string> = {
  strong_support_same: 'Strong support for the proposition that A and B show the same person',
  moderate_support_same: 'Moderate support for the proposition that A and B show the same person',
  limited_support_same: 'Limited support for the proposition that A and B show the same person',
  inconclusive: 'Inconclusive: the observations support neither proposition over the other',
  limited_support_different: 'Limited support for the proposition that A and B show different persons',
  moderate_support_different: 'Moderate support for the proposition that A and B show different persons',
  strong_support_different: 'Strong support for the proposition that A and B show different persons',
};

export const ROLE_WORDING: Record<DecisionRole, string> = {
  examiner: 'Examiner',
  verifier: 'Verifier',
  consultation: 'Consultation',
};

export const REPORT_TITLE = 'Forensic facial image comparison report';

/** What the score, the threshold and the xSSAB maps are, and what they are not. */
export const METHOD_STATEMENT = [
  'The face-recognition model turns the aligned face crop of each image into an embedding vector. ' +
    'The comparison score is the cosine similarity of the two embeddings (from -1 to 1); the model ' +
    'decides "match" when the score reaches the decision threshold. The threshold was calibrated on ' +
    'a reference set of image pairs at the equal error rate; where it is marked provisional, that set ' +
    'was small (n pairs) and the threshold must not be relied on alone.',
  'xSSAB (similarity score argument backpropagation, Huber et al., WACV 2024) splits the score into ' +
    'one product per embedding dimension. Dimensions whose product reaches the threshold divided by ' +
    'the number of dimensions argue for a match, the others against it. Each part of the score is ' +
    'traced back to the pixels of one image while the other image is held fixed: the positive map ' +
    '(green) shows where image regions raised the score, the negative map (red) where they lowered ' +
    'it, and the combined map shows both on one scale. The split stability gives the smallest ' +
    'distance of a dimension to that bound, and how many dimensions lie within 1e-4 of it; a small ' +
    'gap means a slightly different image could move a dimension to the other side.',
  'The maps explain how this model arrived at this score for these two images. They are not ' +
    'evidence of identity on their own: they do not show which facial features are characteristic ' +
    'of a person, they do not say whether the model is right, and a highlighted region is not a ' +
    'point of agreement found by an examiner. The conclusions in section 2 are the examiners’ own, reached ' +
    'by their examination of the images; the score and the maps are one input to it.',
];

export const INTEGRITY_STATEMENT =
  'Before this report was generated, every evidence file and every analysis image shown in it was ' +
  're-hashed and found to match the SHA-256 recorded when it entered the workstation, and the audit ' +
  'trail (a SHA-256 hash chain over all recorded events) was verified intact, against the checkpoint ' +
  'signed with the workstation key and kept outside the database, and every stored record of the case ' +
  '(case, evidence, pairs, analyses, decisions, reports) was found to match the hash its latest audit ' +
  'event recorded for it. The signed checkpoint below can be checked with the workstation public key. ' +
  'The report identifier ' +
  'is the SHA-256 of the recorded data the report presents; the SHA-256 of this PDF file is recorded ' +
  'in the audit trail when the report is exported.';
