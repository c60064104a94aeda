/**
 * whylogs' `types` metric: how many non-null values were of each kind (see the README's type table).
 * All exact; merged by adding.
 */
export class TypesMetric {
  constructor(
    readonly integral: number,
    readonly fractional: number,
    readonly boolean: number,
    readonly string: number,
    readonly object: number,
    readonly tensor: number,
  ) {}

  /** The sum of both counts. */
  merge(other: TypesMetric): TypesMetric {
    return new TypesMetric(
      this.integral + other.integral,
      this.fractional + other.fractional,
      this.boolean + other.boolean,
      this.string + other.string,
      this.object + other.object,
      this.tensor + other.tensor,
    )
  }

  /** `types/*` summary fields. */
  summary(): Record<string, number> {
    return {
      "types/boolean": this.boolean,
      "types/fractional": this.fractional,
      "types/integral": this.integral,
      "types/object": this.object,
      "types/string": this.string,
      "types/tensor": this.tensor,
    }
  }
}
