import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Skeleton from '@mui/material/Skeleton';
import Slider from '@mui/material/Slider';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import ZoomOutIcon from '@mui/icons-material/ZoomOut';
import CenterFocusStrongIcon from '@mui/icons-material/CenterFocusStrong';
import {
  VIEWER_MAPS,
  xssabArtifactRole,
  type Analysis,
  type MapScale,
  type XssabResult,
} from '../../../electron/common/api.js';
import { api } from '../api/client.js';
import { useObjectUrl } from '../components/useObjectUrl.js';
import { MapLegend } from './MapLegend.js';
import { bytesFromBase64 } from '../api/base64.js';

/** Side of each of the two views, in CSS pixels. */
const VIEW = 420;
const MIN_ZOOM = 1;
const MAX_ZOOM = 16;
const PAN_STEP = 40;

type Side = 'a' | 'b';
type Background = 'crop' | 'photo';
/** Shared by both views: zoom factor and the content's offset in view pixels. */
interface ViewState {
  zoom: number;
  x: number;
  y: number;
}
const HOME: ViewState = { zoom: 1, x: 0, y: 0 };

/** The map the viewer opens on: the model's validated default variant, as a stored map. */
function defaultViewerMap({ explanations, decision }: XssabResult): string {
  const variant = explanations?.defaultVariant ?? 'combined';
  if (variant === 'decision') return decision === 'match' ? 'pos' : 'neg';
  return variant;
}

interface MapViewerProps {
  analysis: Analysis;
  result: XssabResult;
  names: { a: string; b: string };
}

/**
 * Both faces side by side, large, with the chosen map laid over the aligned crop or over the
 * original photo. Zoom and pan (buttons, wheel, drag, keyboard: + − 0 and arrows) move both views
 * together; the two maps of a kind share one colour scale, explained by the legend.
 */
export function MapViewer({ analysis, result, names }: MapViewerProps) {
  const [variant, setVariant] = useState(() => defaultViewerMap(result));
  const [background, setBackground] = useState<Background>('crop');
  const [opacity, setOpacity] = useState(80);
  const [view, setView] = useState<ViewState>(HOME);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const current = VIEWER_MAPS.find((candidate) => candidate.name === variant) ?? VIEWER_MAPS[0];
  const scale: MapScale | undefined = result.maps?.[`a.${current.name}`];

  const zoomBy = useCallback((factor: number) => {
    setView((v) => {
      const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, v.zoom * factor));
      const k = zoom / v.zoom;
      // Zoom about the centre of the view.
      return clamp({ zoom, x: VIEW / 2 - (VIEW / 2 - v.x) * k, y: VIEW / 2 - (VIEW / 2 - v.y) * k });
    });
  }, []);
  const pan = (dx: number, dy: number) => setView((v) => clamp({ ...v, x: v.x + dx, y: v.y + dy }));

  const onKeyDown = (event: KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      '+': () => zoomBy(1.25),
      '=': () => zoomBy(1.25),
      '-': () => zoomBy(0.8),
      '0': () => setView(HOME),
      ArrowLeft: () => pan(PAN_STEP, 0),
      ArrowRight: () => pan(-PAN_STEP, 0),
      ArrowUp: () => pan(0, PAN_STEP),
      ArrowDown: () => pan(0, -PAN_STEP),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };
  const onWheel = (event: WheelEvent) => zoomBy(event.deltaY < 0 ? 1.25 : 0.8);
  const onPointerDown = (event: PointerEvent) => {
    drag.current = { x: event.clientX, y: event.clientY };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent) => {
    if (!drag.current) return;
    pan(event.clientX - drag.current.x, event.clientY - drag.current.y);
    drag.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerUp = () => (drag.current = null);
  const values = useMapValues(analysis.id, current.name);
  const [probe, setProbe] = useState<{ side: Side; value: number } | null>(null);
  /** The raw map value under the pointer, read from the stored map. */
  const onProbe = (side: Side, event: PointerEvent) => {
    const map = values[side];
    const box = event.currentTarget.getBoundingClientRect();
    const photo = result.photos[side];
    const [width, height] = background === 'photo' ? [photo.width, photo.height] : [VIEW, VIEW];
    const fit = VIEW / Math.max(width, height);
    // Pointer → content pixels (photo pixels, or the crop stretched to the view) → map cells.
    const cx = (event.clientX - box.left - view.x) / (fit * view.zoom);
    const cy = (event.clientY - box.top - view.y) / (fit * view.zoom);
    let cell: { x: number; y: number } | null = null;
    if (!map) cell = null;
    else if (background === 'crop') cell = { x: (cx / VIEW) * map.width, y: (cy / VIEW) * map.height };
    else if (photo.inverse) cell = applyInverse(photo.inverse, cx, cy);
    const x = cell && Math.floor(cell.x);
    const y = cell && Math.floor(cell.y);
    if (!map || x === null || y === null || x < 0 || y < 0 || x >= map.width || y >= map.height)
      setProbe(null);
    else setProbe({ side, value: map.values[y * map.width + x] });
  };

  return (
    <Box sx={{ display: 'grid', gap: 1 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={current.name}
          onChange={(_, value: string | null) => value && setVariant(value)}
          aria-label="Map shown"
        >
          {VIEWER_MAPS.map((candidate) => (
            <ToggleButton key={candidate.name} value={candidate.name}>
              {candidate.label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={background}
          onChange={(_, value: Background | null) => {
            if (!value) return;
            setBackground(value);
            // The content changes size: start from the whole picture.
            setView(HOME);
          }}
          aria-label="Map drawn over"
        >
          <ToggleButton value="crop">Aligned crop</ToggleButton>
          <ToggleButton value="photo" disabled={!result.photos.a.inverse}>
            Original photo
          </ToggleButton>
        </ToggleButtonGroup>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', width: 220 }}>
          <Typography variant="body2" id={`opacity-${analysis.id}`}>
            Opacity
          </Typography>
          <Slider
            size="small"
            value={opacity}
            min={0}
            max={100}
            onChange={(_, value) => setOpacity(value as number)}
            aria-labelledby={`opacity-${analysis.id}`}
            valueLabelDisplay="auto"
            valueLabelFormat={(value) => `${value} %`}
          />
        </Stack>
        <Stack direction="row" sx={{ alignItems: 'center' }}>
          <IconButton size="small" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>
            <ZoomOutIcon fontSize="small" />
          </IconButton>
          <Typography variant="body2" aria-label="Zoom level" sx={{ minWidth: 48, textAlign: 'center' }}>
            {Math.round(view.zoom * 100)} %
          </Typography>
          <IconButton size="small" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>
            <ZoomInIcon fontSize="small" />
          </IconButton>
          <IconButton size="small" aria-label="Reset zoom" onClick={() => setView(HOME)}>
            <CenterFocusStrongIcon fontSize="small" />
          </IconButton>
        </Stack>
      </Stack>
      <Box
        role="group"
        aria-label={`Map viewer of analysis #${analysis.id}`}
        aria-description="Zoom with + and −, 0 resets, arrow keys pan; both views move together"
        tabIndex={0}
        onKeyDown={onKeyDown}
        sx={{
          display: 'flex',
          gap: 2,
          flexWrap: 'wrap',
          '&:focus-visible': { outline: 2, outlineColor: 'primary.main' },
        }}
      >
        {(['a', 'b'] as const).map((side) => (
          <Box key={side} sx={{ display: 'grid', gap: 0.5 }}>
            <Typography variant="body2" sx={{ fontWeight: 600, maxWidth: VIEW, overflowWrap: 'anywhere' }}>
              {side.toUpperCase()}: {names[side]}
            </Typography>
            <Box
              onWheel={onWheel}
              onPointerDown={onPointerDown}
              onPointerMove={(event) => {
                onPointerMove(event);
                onProbe(side, event);
              }}
              onPointerLeave={() => setProbe(null)}
              onPointerUp={onPointerUp}
              sx={{
                width: VIEW,
                height: VIEW,
                overflow: 'hidden',
                position: 'relative',
                bgcolor: 'grey.900',
                borderRadius: 1,
                cursor: 'grab',
                touchAction: 'none',
              }}
            >
              <MapPane
                analysis={analysis}
                result={result}
                side={side}
                variant={current.name}
                variantLabel={current.label}
                background={background}
                opacity={opacity / 100}
                view={view}
                layered={scale !== undefined}
              />
            </Box>
          </Box>
        ))}
      </Box>
      <Typography
        variant="body2"
        aria-label="Value under the pointer"
        aria-live="polite"
        sx={{ minHeight: 20 }}
      >
        {probe && scale
          ? `${probe.side.toUpperCase()}, ${current.label.toLowerCase()}: ${Math.round((100 * probe.value) / scale.span)} % of the maximum = ${probe.value.toExponential(2)}`
          : ''}
      </Typography>
      {scale && <MapLegend scale={scale} variant={current} />}
    </Box>
  );
}

/** Photo pixel → crop pixel: the inverse of the crop → photo affine [a, b, c, d, e, f]. */
function applyInverse([a, b, c, d, e, f]: number[], x: number, y: number): { x: number; y: number } {
  const det = a * e - b * d;
  const dx = x - c;
  const dy = y - f;
  return { x: (e * dx - b * dy) / det, y: (a * dy - d * dx) / det };
}

type MapValues = { width: number; height: number; values: Float32Array };

/** The raw values of the shown map kind for A and B (loaded when the kind changes). */
function useMapValues(analysisId: number, variant: string): Partial<Record<Side, MapValues>> {
  const [loaded, setLoaded] = useState<{ key: string; maps: Partial<Record<Side, MapValues>> }>({
    key: '',
    maps: {},
  });
  const key = `${analysisId}:${variant}`;
  useEffect(() => {
    let current = true;
    Promise.all(
      (['a', 'b'] as const).map((side) =>
        api
          .call('analyses.mapValues', { analysisId, map: `${side}.${variant}` })
          .then(({ width, height, valuesBase64 }) => {
            return { width, height, values: new Float32Array(bytesFromBase64(valuesBase64).buffer) };
          }),
      ),
    ).then(
      ([a, b]) => current && setLoaded({ key, maps: { a, b } }),
      // Without raw values the pointer readout stays empty; the maps themselves are unaffected.
      () => current && setLoaded({ key, maps: {} }),
    );
    return () => {
      current = false;
    };
  }, [analysisId, variant, key]);
  return loaded.key === key ? loaded.maps : {};
}

/** Keeps some of the content in view: the offset stays within the zoomed content's extent. */
function clamp(v: ViewState): ViewState {
  const extent = VIEW * v.zoom;
  const limit = (offset: number) => Math.min(VIEW / 2, Math.max(VIEW / 2 - extent, offset));
  return { zoom: v.zoom, x: limit(v.x), y: limit(v.y) };
}

interface MapPaneProps {
  analysis: Analysis;
  result: XssabResult;
  side: Side;
  variant: string;
  variantLabel: string;
  background: Background;
  opacity: number;
  view: ViewState;
  /** False for analyses stored before map layers: their overlay pictures are shown as they are. */
  layered: boolean;
}

function MapPane({
  analysis,
  result,
  side,
  variant,
  variantLabel,
  background,
  opacity,
  view,
  layered,
}: MapPaneProps) {
  const photo = result.photos[side];
  const loadBase = useCallback(
    () =>
      background === 'photo'
        ? api.call('evidence.read', { id: photo.evidenceId })
        : api.call('analyses.artifact', {
            analysisId: analysis.id,
            role: xssabArtifactRole(side, layered ? 'crop' : variant, 'png'),
          }),
    [analysis.id, background, photo.evidenceId, side, variant, layered],
  );
  const loadLayer = useCallback(
    () =>
      api.call('analyses.artifact', {
        analysisId: analysis.id,
        role: xssabArtifactRole(side, variant, 'map.png'),
      }),
    [analysis.id, side, variant],
  );
  const base = useObjectUrl(loadBase);
  const layer = useObjectUrl(layered ? loadLayer : null);
  const label = side.toUpperCase();

  if (base.error || layer.error) {
    return (
      <Typography
        variant="caption"
        color="error"
        role="alert"
        sx={{ p: 1, display: 'block', color: 'error.light' }}
      >
        Could not load the pictures of {label}: {base.error ?? layer.error}
      </Typography>
    );
  }
  if (!base.url || (layered && !layer.url))
    return <Skeleton variant="rectangular" width={VIEW} height={VIEW} />;

  // The content's own size: the photo in photo pixels, or the crop stretched to the view.
  const [width, height] = background === 'photo' ? [photo.width, photo.height] : [VIEW, VIEW];
  const fit = VIEW / Math.max(width, height);
  const inverse = photo.inverse;
  return (
    <Box
      sx={{
        position: 'absolute',
        left: 0,
        top: 0,
        width,
        height,
        transformOrigin: '0 0',
        transform: `translate(${view.x}px, ${view.y}px) scale(${fit * view.zoom})`,
      }}
    >
      <Box
        component="img"
        src={base.url}
        alt={background === 'photo' ? `Photo ${label}` : `Aligned face ${label}`}
        draggable={false}
        sx={{ position: 'absolute', left: 0, top: 0, width, height, display: 'block' }}
      />
      {layered && layer.url && (
        <Box
          component="img"
          src={layer.url}
          alt={`${variantLabel} map of ${label}`}
          draggable={false}
          sx={{
            position: 'absolute',
            left: 0,
            top: 0,
            opacity,
            transformOrigin: '0 0',
            ...(background === 'photo' && inverse
              ? // Crop pixels → photo pixels: CSS matrix(a, b, c, d, e, f) maps x' = a·x + c·y + e.
                {
                  transform: `matrix(${inverse[0]}, ${inverse[3]}, ${inverse[1]}, ${inverse[4]}, ${inverse[2]}, ${inverse[5]})`,
                }
              : { width, height }),
          }}
        />
      )}
    </Box>
  );
}
