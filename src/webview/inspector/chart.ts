// The one-minute frames-per-second chart: bars on a canvas, coloured by the theme.

export function drawChart(chart: HTMLCanvasElement, rates: number[]): void {
  const g = chart.getContext('2d');
  if (!g) return;
  const styles = getComputedStyle(document.body);
  const color =
    styles.getPropertyValue('--vscode-charts-blue').trim() || styles.getPropertyValue('--vscode-foreground').trim();
  g.clearRect(0, 0, chart.width, chart.height);
  const max = Math.max(1, ...rates);
  const w = chart.width / rates.length;
  g.fillStyle = color;
  rates.forEach((r, i) => {
    const h = Math.round((r / max) * (chart.height - 2));
    g.fillRect(i * w, chart.height - h, Math.max(1, w - 0.5), h);
  });
}
