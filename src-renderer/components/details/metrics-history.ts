/**
 * The recent CPU and memory usage of a pod's containers, from successive `metrics.k8s.io`
 * PodMetrics answers: a fixed-size ring buffer per container (the last 40 points by default), so
 * a details tab left open for hours holds the same few hundred numbers. A sample whose
 * `timestamp` equals the previous one (the metrics window has not moved) is not added twice.
 */
import { parseQuantity } from './quantity.js';

/** A fixed-capacity buffer that overwrites its oldest item. */
export class RingBuffer<T> {
  private readonly slots: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive');
  }

  get length(): number {
    return this.slots.length;
  }

  push(item: T): void {
    if (this.slots.length < this.capacity) {
      this.slots.push(item);
    } else {
      this.slots[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The items, oldest first. */
  toArray(): T[] {
    return [...this.slots.slice(this.start), ...this.slots.slice(0, this.start)];
  }

  last(): T | undefined {
    return this.slots.length
      ? this.slots[(this.start + this.slots.length - 1) % this.slots.length]
      : undefined;
  }
}

/** One sample: when (ms since the epoch), CPU in cores, memory in bytes. */
export interface MetricPoint {
  time: number;
  cpu: number;
  memory: number;
}

/** The part of a `PodMetrics` object read here. */
export interface PodMetricsLike {
  timestamp?: string;
  containers?: { name: string; usage?: { cpu?: string; memory?: string } }[];
}

export const DEFAULT_POINTS = 40;

export class MetricsHistory {
  private readonly series = new Map<string, RingBuffer<MetricPoint>>();
  private lastTimestamp: string | undefined;

  constructor(private readonly capacity = DEFAULT_POINTS) {}

  /** Add one PodMetrics answer; `now` stands in when it carries no timestamp. Returns whether it added. */
  add(metrics: PodMetricsLike, now: number): boolean {
    if (metrics.timestamp && metrics.timestamp === this.lastTimestamp) return false;
    this.lastTimestamp = metrics.timestamp;
    const time = metrics.timestamp ? Date.parse(metrics.timestamp) : now;
    for (const container of metrics.containers ?? []) {
      let buffer = this.series.get(container.name);
      if (!buffer) {
        buffer = new RingBuffer<MetricPoint>(this.capacity);
        this.series.set(container.name, buffer);
      }
      buffer.push({
        time: Number.isNaN(time) ? now : time,
        cpu: parseQuantity(container.usage?.cpu),
        memory: parseQuantity(container.usage?.memory),
      });
    }
    return true;
  }

  /** The containers seen so far, in the order they first appeared. */
  containers(): string[] {
    return [...this.series.keys()];
  }

  /** A container's points, oldest first. */
  points(container: string): MetricPoint[] {
    return this.series.get(container)?.toArray() ?? [];
  }
}
