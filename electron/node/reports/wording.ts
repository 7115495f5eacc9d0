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
  'The integrated-gradients map (a deviation from the published method) attributes each part of ' +
    'the score to the pixels along a straight path from a mid-grey face to the image, so that the ' +
    'attributions add up to the change of the score; the region table gives each facial region ' +
    '(laid out from the alignment landmarks) its share of what speaks for a match (support) and ' +
    'against it (opposition). How well each model’s maps point at manipulated regions was measured ' +
    'with the patch benchmark of Huber et al. on a labelled set, with 95 % bootstrap intervals, and ' +
    'checked by randomising the model’s layers (Adebayo et al., 2018); the result for each model ' +
    'used is stated below. A model without such a record is marked "explanations not validated".',
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

/** What the likelihood ratio of an analysis is and how it was calibrated and validated. */
export const LR_METHOD_STATEMENT = [
  'Where an analysis states a likelihood ratio (LR), the score was converted into the ratio of its ' +
    'probability if the two images show the same person to its probability if they show different ' +
    'people. The conversion was fitted on the stated calibration set: labelled image pairs scored by ' +
    'the same model file, by logistic regression or by the pool-adjacent-violators algorithm. The LR is ' +
    'limited to the empirical lower and upper bounds (ELUB, Vergeer et al. 2016) that the size of that ' +
    'set can support; an LR at a bound says that the set could not support a larger one.',
  'The validation figures are measured on the calibration set by k-fold cross-validation (each pair ' +
    'given an LR by a calibration fitted without it) and, where listed, on other labelled sets. Cllr ' +
    '(log-likelihood-ratio cost, in bits) is 0 for perfect LRs and 1 for LRs that carry no ' +
    "information; Cllr_min is the part due to the model's discrimination, Cllr_cal = Cllr - Cllr_min " +
    'the part due to calibration. The verbal equivalent follows the ENFSI guideline for evaluative ' +
    'reporting (2015). An LR is only as relevant as the calibration set is to the case: its conditions ' +
    '(image quality, pose, population) should resemble those of the questioned images. A score outside ' +
    'the range of the calibration scores is extrapolated, and the analysis says so.',
];
