import type { ComponentType, ReactElement } from 'react';
import FolderOutlinedIcon from '@mui/icons-material/FolderOutlined';
import QueryStatsIcon from '@mui/icons-material/QueryStats';
import TuneIcon from '@mui/icons-material/Tune';
import { BenchmarkDetailPage } from '../benchmarks/BenchmarkDetailPage.js';
import { BenchmarkListPage } from '../benchmarks/BenchmarkListPage.js';
import { CalibrationDetailPage } from '../calibration/CalibrationDetailPage.js';
import { CalibrationListPage } from '../calibration/CalibrationListPage.js';
import { CaseDetailPage } from '../cases/CaseDetailPage.js';
import { CaseListPage } from '../cases/CaseListPage.js';

/** A top-level area of the app: one navigation entry, a list page and a page per item. */
export interface AppSection {
  /** First segment of the hash route: `#/<path>` and `#/<path>/<itemId>`. */
  path: string;
  label: string;
  icon: ReactElement;
  ListPage: ComponentType;
  ItemPage: ComponentType<{ itemId: string }>;
}

/** The navigation drawer lists these in order; the first is the start page. */
export const appSections: AppSection[] = [
  {
    path: 'cases',
    label: 'Cases',
    icon: <FolderOutlinedIcon />,
    ListPage: CaseListPage,
    ItemPage: CaseDetailPage,
  },
  {
    path: 'benchmarks',
    label: 'Benchmarks',
    icon: <QueryStatsIcon />,
    ListPage: BenchmarkListPage,
    ItemPage: BenchmarkDetailPage,
  },
  {
    path: 'calibration',
    label: 'Calibration',
    icon: <TuneIcon />,
    ListPage: CalibrationListPage,
    ItemPage: CalibrationDetailPage,
  },
];
