import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

/** Only the chart.js parts the intraday chart uses (keeps the bundle small). */
Chart.register(BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export { Chart };

/** Chart colours; the same hues as the CSS variables of the dark theme. */
export const CHART_COLORS = {
  offered: '#5b6b85',
  answered: '#22a559',
  abandoned: '#ef4444',
  sl: '#38bdf8',
  slTarget: '#facc15',
  asa: '#c084fc',
  grid: 'rgba(148, 163, 184, 0.18)',
  text: '#cbd5e1',
} as const;
