import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStats } from '../client/types.ts';
import { bytesSize, statsCells, statsRow } from './stats-view.ts';

const cpu = (total: number, system: number) => ({
  cpu_usage: { total_usage: total, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: system, online_cpus: 2,
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});
const sample: ContainerStats = {
  name: '/web', id: 'a'.repeat(64), read: '', preread: '', pids_stats: { current: 3 },
  blkio_stats: {
    io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 1_000_000 }],
    io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null,
    io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
  },
  num_procs: 0, storage_stats: {},
  cpu_stats: cpu(3_000_000_000, 20_000_000_000), precpu_stats: cpu(2_000_000_000, 16_000_000_000),
  memory_stats: { usage: 10 * 1024 * 1024, limit: 64 * 1024 * 1024, stats: { total_inactive_file: 2 * 1024 * 1024 } },
  networks: { eth0: { rx_bytes: 1500, rx_packets: 1, rx_errors: 0, rx_dropped: 0, tx_bytes: 500, tx_packets: 1, tx_errors: 0, tx_dropped: 0 } },
};

test('CPU % is the container\'s share of the host\'s time between two samples, times the CPUs', () => {
  assert.equal(statsRow(sample).cpuPercent, 50);
  assert.equal(statsRow({ ...sample, precpu_stats: sample.cpu_stats }).cpuPercent, 0);
});

test('memory leaves the inactive page cache out; I/O sums reads and writes over devices', () => {
  const cells = statsCells(statsRow(sample), sample.id, 'web');
  assert.deepEqual(cells, ['aaaaaaaaaaaa', 'web', '50.00%', '8MiB / 64MiB', '12.50%', '1.5kB / 500B', '4.1kB / 1MB', '3']);
});

test('a container without a sample yet is all dashes', () => {
  assert.deepEqual(statsCells(null, 'b'.repeat(64), 'x').slice(2), ['--', '-- / --', '--', '--', '--', '--']);
});

test('binary sizes keep four significant digits', () => {
  assert.equal(bytesSize(444 * 1024), '444KiB');
  assert.equal(bytesSize(2_000_000_000), '1.863GiB');
  assert.equal(bytesSize(12), '12B');
});
