import { memo, useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Skeleton from '@mui/material/Skeleton';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import {
  LANDMARK_NAMES,
  type ApiResult,
  type DetectedFace,
  type FaceChoice,
  type FivePoints,
  type Pair,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useObjectUrl } from '../components/useObjectUrl.js';
import { blobFromBase64 } from '../api/base64.js';
import { errorMessage } from '../../../electron/common/error-message.js';

/** Width of the photo in the chooser, in CSS pixels. */
const WIDTH = 320;

const LANDMARK_LABELS: Record<(typeof LANDMARK_NAMES)[number], string> = {
  rightEye: "Right eye (subject's)",
  leftEye: "Left eye (subject's)",
  noseTip: 'Nose tip',
  rightMouth: "Right mouth corner (subject's)",
  leftMouth: "Left mouth corner (subject's)",
};

interface FaceChooserProps {
  pair: Pair;
  side: 'a' | 'b';
  evidenceId: number;
  name: string;
  onChanged: () => void;
}

/**
 * One photo of a pair with the faces the detector found: the examiner picks the face to compare,
 * or places the five landmarks by hand (dragging them, or arrow keys on a focused point), previews
 * the aligned crop, and uses them.
 */
export const FaceChooser = memo(function FaceChooser({
  pair,
  side,
  evidenceId,
  name,
  onChanged,
}: FaceChooserProps) {
  const label = side.toUpperCase();
  const choice = side === 'a' ? pair.faceA : pair.faceB;
  const loadPhoto = useCallback(() => api.call('evidence.read', { id: evidenceId }), [evidenceId]);
  const photo = useObjectUrl(loadPhoto);
  const [detected, setDetected] = useState<ApiResult<'evidence.faces'> | null>(null);
  const [placing, setPlacing] = useState<FivePoints | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.call('evidence.faces', { id: evidenceId }).then(
      (result) => current && setDetected(result),
      (reason: unknown) => current && setError(errorMessage(reason)),
    );
    return () => {
      current = false;
    };
  }, [evidenceId]);

  async function choose(next: FaceChoice | null) {
    setError(null);
    try {
      await api.call('pairs.setFace', { pairId: pair.id, side, choice: next });
      setPlacing(null);
      onChanged();
    } catch (reason) {
      setError(errorMessage(reason));
    }
  }

  if (!detected || !photo.url) {
    return <Skeleton variant="rectangular" width={WIDTH} height={WIDTH} />;
  }
  const scale = WIDTH / detected.width;
  const chosenIndex = choice === null ? 0 : 'face' in choice ? choice.face : null;
  const shownLandmarks = placing ?? (choice && 'landmarks' in choice ? choice.landmarks : null);

  return (
    <Box component="section" aria-label={`Face of ${label}`} sx={{ display: 'grid', gap: 1, width: WIDTH }}>
      <Typography variant="body2" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
        {label}: {name}
      </Typography>
      <Box sx={{ position: 'relative', width: WIDTH, height: detected.height * scale }}>
        <Box
          component="img"
          src={photo.url}
          alt={`Photo ${label}`}
          draggable={false}
          sx={{ width: WIDTH, height: detected.height * scale, display: 'block', borderRadius: 1 }}
        />
        {!placing &&
          detected.faces.map((face, index) => (
            <FaceBox
              key={index}
              face={face}
              index={index}
              scale={scale}
              chosen={chosenIndex === index}
              onChoose={() => void choose(index === 0 ? null : { face: index })}
            />
          ))}
        {shownLandmarks && (
          <LandmarkLayer
            points={shownLandmarks}
            scale={scale}
            size={detected}
            editable={placing !== null}
            onMove={(next) => setPlacing(next)}
          />
        )}
      </Box>
      <Typography variant="body2" color="text.secondary" aria-live="polite">
        {describeChoice(choice, detected.faces.length)}
      </Typography>
      {placing ? (
        <LandmarkActions
          evidenceId={evidenceId}
          points={placing}
          label={label}
          onUse={() => void choose({ landmarks: placing })}
          onCancel={() => setPlacing(null)}
        />
      ) : (
        <Stack direction="row" spacing={1}>
          <Button
            size="small"
            variant="outlined"
            onClick={() => setPlacing(startingPoints(detected, choice))}
          >
            Place landmarks on {label}
          </Button>
          {choice !== null && (
            <Button size="small" onClick={() => void choose(null)}>
              Use the largest face
            </Button>
          )}
        </Stack>
      )}
      {error && (
        <Alert severity="error" onClose={() => setError(null)}>
          {error}
        </Alert>
      )}
    </Box>
  );
});

function describeChoice(choice: FaceChoice | null, found: number): string {
  const faces = `${found} face${found === 1 ? '' : 's'} found`;
  if (choice && 'landmarks' in choice) return `${faces}; compared at the five landmarks placed by hand.`;
  if (found === 0) return 'No face found: place the five landmarks by hand to compare this photo.';
  const index = choice?.face ?? 0;
  return `${faces}; face ${index + 1} is compared${index === 0 ? ' (the largest)' : ''}. Click a box to choose another.`;
}

/** The landmarks to start placing from: the compared face's keypoints, or a face in the middle of the photo. */
function startingPoints(detected: ApiResult<'evidence.faces'>, choice: FaceChoice | null): FivePoints {
  if (choice && 'landmarks' in choice) return choice.landmarks;
  const face = detected.faces[choice?.face ?? 0];
  if (face) {
    const { rightEye, leftEye, noseTip, mouthCenter } = face.keypoints;
    const half = (leftEye.x - rightEye.x) * 0.4;
    return {
      rightEye,
      leftEye,
      noseTip,
      rightMouth: { x: mouthCenter.x - half, y: mouthCenter.y },
      leftMouth: { x: mouthCenter.x + half, y: mouthCenter.y },
    };
  }
  const { width, height } = detected;
  const unit = Math.min(width, height) / 10;
  const cx = width / 2;
  const cy = height / 2;
  return {
    rightEye: { x: cx - unit, y: cy - unit },
    leftEye: { x: cx + unit, y: cy - unit },
    noseTip: { x: cx, y: cy },
    rightMouth: { x: cx - unit * 0.8, y: cy + unit },
    leftMouth: { x: cx + unit * 0.8, y: cy + unit },
  };
}

interface FaceBoxProps {
  face: DetectedFace;
  index: number;
  scale: number;
  chosen: boolean;
  onChoose: () => void;
}

function FaceBox({ face, index, scale, chosen, onChoose }: FaceBoxProps) {
  return (
    <Box
      component="button"
      type="button"
      aria-label={`Face ${index + 1}`}
      aria-pressed={chosen}
      title={`Face ${index + 1} (detector score ${face.score.toFixed(2)})`}
      onClick={onChoose}
      sx={{
        position: 'absolute',
        left: face.box.x * scale,
        top: face.box.y * scale,
        width: face.box.width * scale,
        height: face.box.height * scale,
        border: chosen ? 3 : 2,
        borderColor: chosen ? 'success.main' : 'warning.light',
        bgcolor: 'transparent',
        cursor: 'pointer',
        p: 0,
        color: 'common.white',
        fontWeight: 700,
        textShadow: '0 0 3px #000',
        display: 'flex',
        alignItems: 'flex-start',
        justifyContent: 'flex-start',
      }}
    >
      {index + 1}
    </Box>
  );
}

interface LandmarkLayerProps {
  points: FivePoints;
  scale: number;
  size: { width: number; height: number };
  editable: boolean;
  onMove: (points: FivePoints) => void;
}

function LandmarkLayer({ points, scale, size, editable, onMove }: LandmarkLayerProps) {
  const drag = useRef<{ name: (typeof LANDMARK_NAMES)[number]; x: number; y: number } | null>(null);
  const moveBy = (name: (typeof LANDMARK_NAMES)[number], dx: number, dy: number) => {
    const p = points[name];
    onMove({
      ...points,
      [name]: {
        x: Math.min(size.width, Math.max(0, p.x + dx)),
        y: Math.min(size.height, Math.max(0, p.y + dy)),
      },
    });
  };
  return (
    <>
      {LANDMARK_NAMES.map((name) => {
        const p = points[name];
        const onPointerDown = (event: PointerEvent) => {
          if (!editable) return;
          drag.current = { name, x: event.clientX, y: event.clientY };
          event.currentTarget.setPointerCapture(event.pointerId);
        };
        const onPointerMove = (event: PointerEvent) => {
          if (drag.current?.name !== name) return;
          moveBy(name, (event.clientX - drag.current.x) / scale, (event.clientY - drag.current.y) / scale);
          drag.current = { name, x: event.clientX, y: event.clientY };
        };
        const onKeyDown = (event: KeyboardEvent) => {
          const steps: Record<string, [number, number]> = {
            ArrowLeft: [-1, 0],
            ArrowRight: [1, 0],
            ArrowUp: [0, -1],
            ArrowDown: [0, 1],
          };
          const step = steps[event.key];
          if (!editable || !step) return;
          event.preventDefault();
          moveBy(name, step[0], step[1]);
        };
        return (
          <Box
            key={name}
            role={editable ? 'slider' : 'img'}
            aria-label={LANDMARK_LABELS[name]}
            aria-valuetext={`${Math.round(p.x)}, ${Math.round(p.y)}`}
            tabIndex={editable ? 0 : -1}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={() => (drag.current = null)}
            onKeyDown={onKeyDown}
            title={LANDMARK_LABELS[name]}
            sx={{
              position: 'absolute',
              left: p.x * scale - 7,
              top: p.y * scale - 7,
              width: 14,
              height: 14,
              borderRadius: '50%',
              border: 2,
              borderColor: 'common.white',
              bgcolor: name.endsWith('Eye')
                ? 'info.main'
                : name === 'noseTip'
                  ? 'warning.main'
                  : 'secondary.main',
              cursor: editable ? 'move' : 'default',
              touchAction: 'none',
            }}
          />
        );
      })}
    </>
  );
}

interface LandmarkActionsProps {
  evidenceId: number;
  points: FivePoints;
  label: string;
  onUse: () => void;
  onCancel: () => void;
}

function LandmarkActions({ evidenceId, points, label, onUse, onCancel }: LandmarkActionsProps) {
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);

  async function showPreview() {
    setError(null);
    try {
      const crop = await api.call('evidence.alignPreview', { id: evidenceId, landmarks: points });
      setPreview(URL.createObjectURL(blobFromBase64(crop.dataBase64, crop.mediaType)));
    } catch (reason) {
      setError(errorMessage(reason));
    }
  }

  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      <Typography variant="body2" color="text.secondary">
        Drag each point onto the face (or focus it and use the arrow keys), then preview the aligned crop.
      </Typography>
      <Stack direction="row" spacing={1}>
        <Button size="small" variant="outlined" onClick={() => void showPreview()}>
          Preview crop
        </Button>
        <Button size="small" variant="contained" onClick={onUse}>
          Use these landmarks
        </Button>
        <Button size="small" onClick={onCancel}>
          Discard
        </Button>
      </Stack>
      {preview && (
        <Box
          component="img"
          src={preview}
          alt={`Aligned crop preview of ${label}`}
          sx={{ width: 150, height: 150, borderRadius: 1 }}
        />
      )}
      {error && <Alert severity="error">{error}</Alert>}
    </Box>
  );
}
