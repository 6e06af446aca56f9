/**
 * A connector's `transforms` chain: each stage a Transformation, optionally guarded by a
 * Predicate (`transforms.<alias>.predicate`, inverted by `.negate`). Built from the connector
 * config with the plugin registry; stages run under the task's retry/tolerance rules
 * (stage TRANSFORMATION).
 */
import type { ConnectRecord, Predicate, Transformation } from './api.ts';
import type { ConnectorConfig } from './connector-config.ts';
import type { ErrorContext, RetryWithToleranceOperator } from './errors.ts';
import type { PluginRegistry } from './plugins.ts';
import { ConnectConfigError } from './worker-config.ts';

interface Stage {
  alias: string;
  type: string;
  transformation: Transformation;
  predicate: Predicate | null;
  negate: boolean;
}

export class TransformationChain {
  private readonly stages: Stage[];
  private readonly predicates: Predicate[];

  private constructor(stages: Stage[], predicates: Predicate[]) {
    this.stages = stages;
    this.predicates = predicates;
  }

  static empty(): TransformationChain {
    return new TransformationChain([], []);
  }

  /** Instantiates and configures the chain; throws ConnectConfigError for unknown types or bad settings. */
  static build(config: ConnectorConfig, plugins: PluginRegistry): TransformationChain {
    const predicates = new Map<string, Predicate>();
    const created: Predicate[] = [];
    const stages: Stage[] = [];
    try {
      for (const spec of config.predicates) {
        const plugin = plugins.predicate(spec.type);
        if (!plugin) throw new ConnectConfigError(`Invalid value ${spec.type} for configuration predicates.${spec.alias}.type: Class ${spec.type} could not be found.`);
        const predicate = plugin.create();
        predicate.configure(spec.props);
        predicates.set(spec.alias, predicate);
        created.push(predicate);
      }
      for (const spec of config.transforms) {
        const plugin = plugins.transformation(spec.type);
        if (!plugin) throw new ConnectConfigError(`Invalid value ${spec.type} for configuration transforms.${spec.alias}.type: Class ${spec.type} could not be found.`);
        const transformation = plugin.create();
        // As Connect does: the alias's settings without `predicate` and `negate`.
        const { predicate: _p, negate: _n, ...props } = spec.props;
        transformation.configure(props);
        stages.push({ alias: spec.alias, type: plugin.className, transformation, predicate: spec.predicate ? predicates.get(spec.predicate) ?? null : null, negate: spec.negate });
      }
    } catch (err) {
      for (const s of stages) s.transformation.close?.();
      for (const p of created) p.close?.();
      if (err instanceof ConnectConfigError) throw err;
      throw new ConnectConfigError(`Invalid transformation/predicate configuration: ${(err as Error).message}`);
    }
    return new TransformationChain(stages, created);
  }

  get size(): number {
    return this.stages.length;
  }

  /** Applies the chain; null when a stage drops the record or an error was tolerated (`failed` tells which). */
  async apply<R extends ConnectRecord>(record: R, operator: RetryWithToleranceOperator, context: Omit<ErrorContext, 'stage' | 'className'>): Promise<{ record: R | null; failed: boolean }> {
    let current: R | null = record;
    for (const stage of this.stages) {
      if (current === null) break;
      const input: R = current;
      const outcome = await operator.execute(
        () => {
          if (stage.predicate && stage.predicate.test(input) === stage.negate) return input;
          return stage.transformation.apply(input);
        },
        { ...context, stage: 'TRANSFORMATION', className: stage.type },
      );
      if (!outcome.ok) return { record: null, failed: true };
      current = outcome.value;
    }
    return { record: current, failed: false };
  }

  close(): void {
    for (const s of this.stages) {
      try {
        s.transformation.close?.();
      } catch {
        // closing is best effort
      }
    }
    for (const p of this.predicates) {
      try {
        p.close?.();
      } catch {
        // closing is best effort
      }
    }
  }
}
