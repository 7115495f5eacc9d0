import type { ReactNode } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { PaletteMode } from '@mui/material/styles';
import DarkModeOutlinedIcon from '@mui/icons-material/DarkModeOutlined';
import LightModeOutlinedIcon from '@mui/icons-material/LightModeOutlined';
import { BackendInfo } from './BackendInfo.js';
import { AccountControls } from './session.js';
import type { AppSection } from './sections.js';
import { routeToHash } from './useHashRoute.js';

const drawerWidth = 200;

interface AppShellProps {
  sections: AppSection[];
  activeSection: AppSection;
  mode: PaletteMode;
  onToggleMode: () => void;
  children: ReactNode;
}

export function AppShell({ sections, activeSection, mode, onToggleMode, children }: AppShellProps) {
  const nextMode = mode === 'dark' ? 'light' : 'dark';
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <AppBar
        position="fixed"
        sx={{ zIndex: (theme) => theme.zIndex.drawer + 1, borderBottom: 1, borderColor: 'divider' }}
      >
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <Typography component="div" sx={{ fontWeight: 700, letterSpacing: 0.2, flexShrink: 0 }}>
            xSSAB Workstation
          </Typography>
          <Box sx={{ flex: 1 }} />
          <BackendInfo />
          <AccountControls />
          <Tooltip title={`Switch to ${nextMode} theme`}>
            <IconButton aria-label={`Switch to ${nextMode} theme`} onClick={onToggleMode} edge="end">
              {mode === 'dark' ? <LightModeOutlinedIcon /> : <DarkModeOutlinedIcon />}
            </IconButton>
          </Tooltip>
        </Toolbar>
      </AppBar>
      <Drawer
        variant="permanent"
        sx={{
          width: drawerWidth,
          flexShrink: 0,
          '& .MuiDrawer-paper': { width: drawerWidth, boxSizing: 'border-box' },
        }}
      >
        <Toolbar variant="dense" />
        <Box component="nav" aria-label="Main">
          <List dense>
            {sections.map((section) => (
              <ListItemButton
                key={section.path}
                component="a"
                href={routeToHash({ section: section.path, itemId: null })}
                selected={section === activeSection}
                aria-current={section === activeSection ? 'page' : undefined}
              >
                <ListItemIcon sx={{ minWidth: 36 }}>{section.icon}</ListItemIcon>
                <ListItemText primary={section.label} />
              </ListItemButton>
            ))}
          </List>
        </Box>
      </Drawer>
      <Box component="main" sx={{ flex: 1, minWidth: 0, px: 3, pb: 4 }}>
        <Toolbar variant="dense" />
        <Box sx={{ maxWidth: 1400, mx: 'auto', pt: 3 }}>{children}</Box>
      </Box>
    </Box>
  );
}
