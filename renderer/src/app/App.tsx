import Button from '@mui/material/Button';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { useMemo } from 'react';
import { EmptyState } from '../components/EmptyState.js';
import { createAppTheme } from '../theme/theme.js';
import { useColorMode } from '../theme/useColorMode.js';
import { AppShell } from './AppShell.js';
import { SessionGate } from './session.js';
import { appSections } from './sections.js';
import { routeToHash, useHashRoute } from './useHashRoute.js';

export function App() {
  const { mode, toggleMode } = useColorMode();
  const theme = useMemo(() => createAppTheme(mode), [mode]);
  const route = useHashRoute();
  const startSection = appSections[0];
  const section = route ? appSections.find((candidate) => candidate.path === route.section) : startSection;

  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <SessionGate>
        <AppShell
          sections={appSections}
          activeSection={section ?? startSection}
          mode={mode}
          onToggleMode={toggleMode}
        >
          {!section ? (
            <EmptyState
              title="Page not found"
              description="This address does not lead to a page of the workstation."
              action={
                <Button href={routeToHash({ section: startSection.path, itemId: null })}>
                  Go to {startSection.label}
                </Button>
              }
            />
          ) : route?.itemId ? (
            <section.ItemPage key={route.itemId} itemId={route.itemId} />
          ) : (
            <section.ListPage />
          )}
        </AppShell>
      </SessionGate>
    </ThemeProvider>
  );
}
