import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// The one door to ECharts: pages pass data (labels and values), never option objects.
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export type SeriesChartProps = {
  kind: 'line' | 'bar';
  labels: string[];
  values: number[];
  name: string;
  height?: number;
  testId?: string;
};

export function SeriesChart({ kind, labels, values, name, height = 220, testId }: SeriesChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return undefined;
    const instance = echarts.init(element.current);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels, boundaryGap: kind === 'bar' },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: kind, name, data: values, smooth: kind === 'line', areaStyle: kind === 'line' ? { opacity: 0.15 } : undefined }],
    });
  }, [kind, labels, values, name]);

  return <div ref={element} style={{ width: '100%', height }} data-testid={testId} />;
}
