import { createTheme, type PaletteMode, type Theme } from '@mui/material/styles';

/** Platform UI fonts only: the app is offline and its CSP forbids remote fonts. */
const systemFontStack = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  '"Noto Sans"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');

export const monospaceFontStack = [
  'ui-monospace',
  '"SF Mono"',
  '"Cascadia Mono"',
  '"DejaVu Sans Mono"',
  'Menlo',
  'Consolas',
  'monospace',
].join(',');

export function createAppTheme(mode: PaletteMode): Theme {
  const light = mode === 'light';
  return createTheme({
    palette: {
      mode,
      primary: { main: light ? '#2b4c7e' : '#8fb0e0' },
      secondary: { main: light ? '#3d6f6a' : '#86c3bb' },
      background: light ? { default: '#f3f5f8', paper: '#ffffff' } : { default: '#0f1318', paper: '#171d24' },
      divider: light ? 'rgba(20, 35, 60, 0.12)' : 'rgba(200, 215, 235, 0.12)',
    },
    shape: { borderRadius: 6 },
    typography: {
      fontFamily: systemFontStack,
      fontSize: 13,
      h1: { fontSize: '1.5rem', fontWeight: 600 },
      h2: { fontSize: '1.15rem', fontWeight: 600 },
      h3: { fontSize: '1rem', fontWeight: 600 },
      button: { textTransform: 'none', fontWeight: 600 },
    },
    components: {
      MuiAppBar: { defaultProps: { elevation: 0, color: 'default' } },
      MuiPaper: { defaultProps: { variant: 'outlined' } },
      MuiTable: { defaultProps: { size: 'small' } },
      MuiTableCell: {
        styleOverrides: {
          head: ({ theme }) => ({
            fontWeight: 600,
            color: theme.palette.text.secondary,
            whiteSpace: 'nowrap',
          }),
        },
      },
      MuiTableRow: {
        styleOverrides: {
          root: ({ theme }) => ({
            '&:focus-visible': {
              outline: `2px solid ${theme.palette.primary.main}`,
              outlineOffset: -2,
            },
          }),
        },
      },
      MuiTextField: { defaultProps: { size: 'small' } },
      MuiTooltip: { defaultProps: { arrow: true } },
    },
  });
}
