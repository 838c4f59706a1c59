// --shard: "i/n", or "auto" for the scheduler's numbering. Kubernetes Indexed Jobs set
// JOB_COMPLETION_INDEX (0 .. completions - 1) and no count; Slurm job arrays set
// SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN, _STEP and _COUNT (an array 1-9:2 runs tasks
// 1, 3, 5, 7, 9: shards 0 to 4 of 5). The count comes from --shard-count, else
// TURBOTOKEN_SHARD_COUNT, else SLURM_ARRAY_TASK_COUNT.
import { env as runEnv } from './io';
import { UsageError } from './options';

export type Shard = [index: number, count: number];

function whole(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new UsageError(`--shard auto: ${name} must be a whole number; it is ${JSON.stringify(value)}`);
  return Number(value);
}

function autoIndex(env: NodeJS.ProcessEnv): number {
  const k8s = whole(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX');
  if (k8s !== undefined) return k8s;
  const task = whole(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
  if (task === undefined) {
    throw new UsageError('--shard auto needs the shard index from the scheduler: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm job array); neither is set');
  }
  const min = whole(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN');
  if (min === undefined) throw new UsageError('--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not, so its position in the array is unknown');
  const step = whole(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP') ?? 1;
  if (step < 1 || task < min || (task - min) % step !== 0) {
    throw new UsageError(`--shard auto: SLURM_ARRAY_TASK_ID ${task} is not in the array ${min}, ${min + step}, ... (SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP)`);
  }
  return (task - min) / step;
}

function autoCount(shardCount: string | undefined, env: NodeJS.ProcessEnv): number {
  const fromOption = shardCount === undefined ? undefined : whole(shardCount, '--shard-count');
  const count = fromOption ?? whole(env.TURBOTOKEN_SHARD_COUNT, 'TURBOTOKEN_SHARD_COUNT') ?? whole(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT');
  if (count === undefined) {
    throw new UsageError('--shard auto needs the shard count: --shard-count N, TURBOTOKEN_SHARD_COUNT, or SLURM_ARRAY_TASK_COUNT (Kubernetes sets no count: pass the Job\'s completions)');
  }
  if (count < 1) throw new UsageError(`--shard auto: the shard count must be at least 1; it is ${count}`);
  return count;
}

/** [index, count] from --shard and --shard-count; [0, 1] without --shard. */
export function parseShard(value: string | boolean | undefined, shardCount: string | boolean | undefined, env: NodeJS.ProcessEnv = runEnv()): Shard {
  if (shardCount !== undefined && value !== 'auto') throw new UsageError('--shard-count goes with --shard auto (with --shard i/n the count is n)');
  if (value === undefined || typeof value === 'boolean') return [0, 1];
  if (value === 'auto') {
    const count = autoCount(typeof shardCount === 'string' ? shardCount : undefined, env);
    const index = autoIndex(env);
    if (index >= count) throw new UsageError(`--shard auto: shard index ${index} (from the scheduler) is not below the shard count ${count}`);
    return [index, count];
  }
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  // Safe integers only: past 2^53 the numbers round, and the shard's byte range with them.
  if (!match || count < 1 || index >= count || !Number.isSafeInteger(count)) throw new UsageError(`--shard must be i/n with 0 <= i < n, e.g. 0/4, or auto; received ${JSON.stringify(value)}`);
  return [index, count];
}
