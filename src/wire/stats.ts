/**
 * `GET /containers/{id}/stats` and `/top`: Docker's wire shapes, shared by the engine and the
 * SDK. Counters are cumulative; a client computes rates from `cpu_stats` and `precpu_stats`.
 * @module
 */

/** One block device's counter. */
export interface BlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** CPU usage at one moment, in nanoseconds. */
export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  /** The host's CPU time (all CPUs), in nanoseconds. */
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

/** One interface's counters. */
export interface NetworkStats {
  rx_bytes: number; rx_packets: number; rx_errors: number; rx_dropped: number;
  tx_bytes: number; tx_packets: number; tx_errors: number; tx_dropped: number;
}

/** One sample of a container's usage. */
export interface ContainerStats {
  name: string;
  id: string;
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: BlkioStatEntry[] | null;
    io_serviced_recursive: BlkioStatEntry[] | null;
    io_queue_recursive: BlkioStatEntry[] | null;
    io_service_time_recursive: BlkioStatEntry[] | null;
    io_wait_time_recursive: BlkioStatEntry[] | null;
    io_merged_recursive: BlkioStatEntry[] | null;
    io_time_recursive: BlkioStatEntry[] | null;
    sectors_recursive: BlkioStatEntry[] | null;
  };
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; max_usage?: number; stats?: Record<string, number>; failcnt?: number; limit?: number };
  networks?: Record<string, NetworkStats>;
}

/** `GET /containers/{id}/top`. */
export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}
