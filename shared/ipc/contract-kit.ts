// The building blocks of an IPC contract: a method is a params schema and a result schema; a topic is an event
// stream with a payload schema and a filter that a subscriber passes to receive only the events it cares about.
// The router (engine side) and the client (renderer side) are both generic over a contract, so the app's contract
// is declared once and each side gets its types from it.
import type { z } from 'zod';

export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly params: P;
  readonly result: R;
  readonly summary: string;
}

export interface TopicSpec<F extends z.ZodType = z.ZodType, E extends z.ZodType = z.ZodType> {
  readonly filter: F;
  readonly payload: E;
  /** Whether an event goes to a subscription made with this filter. */
  readonly matches: (filter: z.infer<F>, payload: z.infer<E>) => boolean;
  readonly summary: string;
}

export interface Contract {
  readonly methods: Readonly<Record<string, MethodSpec>>;
  readonly topics: Readonly<Record<string, TopicSpec>>;
}

export function defineMethod<P extends z.ZodType, R extends z.ZodType>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

export function defineTopic<F extends z.ZodType, E extends z.ZodType>(spec: TopicSpec<F, E>): TopicSpec<F, E> {
  return spec;
}

export function defineContract<C extends Contract>(contract: C): C {
  return contract;
}

export type MethodName<C extends Contract> = keyof C['methods'] & string;
export type TopicName<C extends Contract> = keyof C['topics'] & string;
/** What a caller passes (schema input: defaults may be omitted). */
export type ParamsIn<C extends Contract, M extends MethodName<C>> = z.input<C['methods'][M]['params']>;
/** What a handler receives (schema output: defaults applied). */
export type ParamsOf<C extends Contract, M extends MethodName<C>> = z.output<C['methods'][M]['params']>;
export type ResultOf<C extends Contract, M extends MethodName<C>> = z.output<C['methods'][M]['result']>;
export type FilterIn<C extends Contract, T extends TopicName<C>> = z.input<C['topics'][T]['filter']>;
export type FilterOf<C extends Contract, T extends TopicName<C>> = z.output<C['topics'][T]['filter']>;
export type PayloadOf<C extends Contract, T extends TopicName<C>> = z.output<C['topics'][T]['payload']>;
