import type { KubeObject } from "./kube-objects.js";
import { apiVersionOf, type ResourceType, storeKeyOf } from "./resource-types.js";

/** One stored version of an object. The object is never mutated after it is stored. */
export class StoredObject<T extends KubeObject = KubeObject> {
  private cachedJson: string | undefined;

  constructor(
    readonly type: ResourceType,
    readonly object: T,
    readonly resourceVersion: number,
  ) {}

  /** A deep copy of the object to change: parsed from its JSON when that was already written (faster). */
  draft(): T {
    return this.cachedJson === undefined ? structuredClone(this.object) : (JSON.parse(this.cachedJson) as T);
  }

  get key(): string {
    return objectKey(this.object.metadata.namespace, this.object.metadata.name);
  }

  /** The object as GET and watch events serve it. */
  json(): string {
    this.cachedJson ??= JSON.stringify(this.object);
    return this.cachedJson;
  }

  /** The object as a list item: without apiVersion and kind, as the server writes list items. */
  itemJson(): string {
    const prefix = `{"apiVersion":${JSON.stringify(this.object.apiVersion)},"kind":${JSON.stringify(this.object.kind)},`;
    const json = this.json();
    return json.startsWith(prefix) ? `{${json.slice(prefix.length)}` : json;
  }
}

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

/** One write, as a watch sees it. */
export class StoreChange {
  private cachedLine: string | undefined;

  constructor(
    readonly type: ChangeType,
    readonly current: StoredObject,
    readonly previous: StoredObject | undefined,
  ) {}

  get resourceVersion(): number {
    return this.current.resourceVersion;
  }

  /** The watch event line for this change. */
  line(): string {
    this.cachedLine ??= `{"type":"${this.type}","object":${this.current.json()}}\n`;
    return this.cachedLine;
  }
}

export type ChangeListener = (change: StoreChange) => void;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

interface Index {
  readonly keyOf: (object: KubeObject) => string | undefined;
  readonly buckets: Map<string, Set<string>>;
  /** Each bucket's keys in order, dropped when the bucket changes. */
  readonly sorted: Map<string, string[]>;
}

interface Table {
  readonly objects: Map<string, StoredObject>;
  /** Keys in order; rebuilt only after a create or a remove. */
  sortedKeys: string[] | undefined;
  readonly indexes: Map<string, Index>;
}

export interface StoreOptions {
  /** Watch history kept for resuming watches from a resourceVersion; older versions answer 410 Expired. */
  historyLimit?: number;
  /** The first resourceVersion handed out. */
  firstResourceVersion?: number;
}

/** The history a watch can resume from: changes after a version, or the oldest version still held. */
export type HistoryAnswer = { readonly changes: readonly StoreChange[] } | { readonly expiredBefore: number };

/**
 * The simulated etcd: every object of every resource, one global resourceVersion counter, the history of
 * changes that watches resume from, and synchronous listeners for the in-process controllers.
 */
export class ObjectStore {
  private version: number;
  private readonly tables = new Map<string, Table>();
  /** The table of each resource type object seen (types of one resource share a table). */
  private readonly tableOfType = new WeakMap<ResourceType, Table>();
  private readonly listeners = new Set<ChangeListener>();
  private history: StoreChange[] = [];
  /** Versions at or below this one are no longer in the history. */
  private compactedThrough: number;
  private readonly historyLimit: number;

  constructor(options: StoreOptions = {}) {
    this.version = options.firstResourceVersion ?? 1000;
    this.compactedThrough = this.version;
    this.historyLimit = options.historyLimit ?? 50_000;
  }

  get resourceVersion(): number {
    return this.version;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.table(type).objects.get(objectKey(type.namespaced ? namespace : undefined, name));
  }

  /** Every object of the resource, in key order (namespace, then name), optionally of one namespace. */
  list(type: ResourceType, namespace?: string): StoredObject[] {
    const table = this.table(type);
    table.sortedKeys ??= [...table.objects.keys()].sort();
    const prefix = namespace && type.namespaced ? `${namespace}/` : undefined;
    const result: StoredObject[] = [];
    for (const key of table.sortedKeys) {
      if (prefix && !key.startsWith(prefix)) continue;
      const stored = table.objects.get(key);
      if (stored) result.push(stored);
    }
    return result;
  }

  /**
   * Declares a secondary index of a resource, named after the field it reads (`spec.nodeName`): list
   * requests with an equality field selector on that field then read the index instead of scanning.
   */
  defineIndex(type: ResourceType, name: string, keyOf: (object: KubeObject) => string | undefined): void {
    const table = this.table(type);
    const index: Index = { keyOf, buckets: new Map(), sorted: new Map() };
    for (const stored of table.objects.values()) this.indexAdd(index, stored);
    table.indexes.set(name, index);
  }

  hasIndex(type: ResourceType, name: string): boolean {
    return this.table(type).indexes.has(name);
  }

  /** Objects whose indexed value is `value`, in key order. */
  byIndex(type: ResourceType, name: string, value: string): StoredObject[] {
    const table = this.table(type);
    const index = table.indexes.get(name);
    const keys = index?.buckets.get(value);
    if (!index || !keys) return [];
    let sorted = index.sorted.get(value);
    if (sorted === undefined) {
      sorted = [...keys].sort();
      index.sorted.set(value, sorted);
    }
    const result: StoredObject[] = [];
    for (const key of sorted) {
      const stored = table.objects.get(key);
      if (stored) result.push(stored);
    }
    return result;
  }

  count(type: ResourceType): number {
    return this.table(type).objects.size;
  }

  /** Stores a new object; the caller has filled uid, timestamps and the rest of its metadata. */
  create<T extends KubeObject>(type: ResourceType, object: T): StoredObject<T> {
    const table = this.table(type);
    const stored = this.seal(type, object);
    // The API layer answers 409 before this; reaching it would silently drop an object without an event.
    if (table.objects.has(stored.key)) throw new Error(`creating ${stored.key}: it exists already`);
    table.objects.set(stored.key, stored);
    table.sortedKeys = undefined;
    for (const index of table.indexes.values()) this.indexAdd(index, stored);
    this.emit(new StoreChange("ADDED", stored, undefined));
    return stored as StoredObject<T>;
  }

  /** Replaces the stored version `previous` with `next` (same key). */
  replace<T extends KubeObject>(previous: StoredObject<T>, next: T): StoredObject<T> {
    const table = this.table(previous.type);
    const stored = this.seal(previous.type, next);
    if (stored.key !== previous.key)
      throw new Error(`replacing ${previous.key} with ${stored.key}: keys differ`);
    table.objects.set(stored.key, stored);
    for (const index of table.indexes.values()) {
      if (index.keyOf(previous.object) === index.keyOf(stored.object)) continue;
      this.indexRemove(index, previous);
      this.indexAdd(index, stored);
    }
    this.emit(new StoreChange("MODIFIED", stored, previous));
    return stored as StoredObject<T>;
  }

  /** Clones the stored object, lets `mutate` change the copy, and stores it. */
  update<T extends KubeObject>(previous: StoredObject<T>, mutate: (draft: T) => void): StoredObject<T> {
    const draft = previous.draft();
    mutate(draft);
    return this.replace(previous, draft);
  }

  remove(previous: StoredObject): StoredObject {
    const table = this.table(previous.type);
    if (table.objects.get(previous.key) !== previous)
      throw new Error(`removing ${previous.key}: not the stored version`);
    table.objects.delete(previous.key);
    table.sortedKeys = undefined;
    for (const index of table.indexes.values()) this.indexRemove(index, previous);
    const finalVersion = this.seal(previous.type, previous.draft());
    this.emit(new StoreChange("DELETED", finalVersion, previous));
    return finalVersion;
  }

  /** Registers an in-process listener, called synchronously after every write. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The changes after `resourceVersion`, or the oldest version still held when it is too old. */
  changesSince(resourceVersion: number): HistoryAnswer {
    if (resourceVersion < this.compactedThrough) return { expiredBefore: this.compactedThrough + 1 };
    let low = 0;
    let high = this.history.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const change = this.history[middle];
      if (change && change.resourceVersion <= resourceVersion) low = middle + 1;
      else high = middle;
    }
    return { changes: this.history.slice(low) };
  }

  /** Forgets the whole watch history, as an etcd compaction does: older versions then answer 410. */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.version;
  }

  private indexAdd(index: Index, stored: StoredObject): void {
    const value = index.keyOf(stored.object);
    if (value === undefined) return;
    let bucket = index.buckets.get(value);
    if (!bucket) {
      bucket = new Set();
      index.buckets.set(value, bucket);
    }
    if (!bucket.has(stored.key)) index.sorted.delete(value);
    bucket.add(stored.key);
  }

  private indexRemove(index: Index, stored: StoredObject): void {
    const value = index.keyOf(stored.object);
    if (value === undefined) return;
    const bucket = index.buckets.get(value);
    if (bucket?.delete(stored.key)) index.sorted.delete(value);
    if (bucket?.size === 0) index.buckets.delete(value);
  }

  private seal(type: ResourceType, object: KubeObject): StoredObject {
    this.version += 1;
    const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = object;
    const ordered = {
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: { ...metadata, resourceVersion: String(this.version) },
      ...rest,
    } as KubeObject;
    return new StoredObject(type, ordered, this.version);
  }

  private emit(change: StoreChange): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.length - Math.floor(this.historyLimit * 0.9);
      const lastDropped = this.history[dropped - 1];
      if (lastDropped) this.compactedThrough = lastDropped.resourceVersion;
      this.history = this.history.slice(dropped);
    }
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A broken controller must not break the write that woke it; surface it as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private table(type: ResourceType): Table {
    const known = this.tableOfType.get(type);
    if (known !== undefined) return known;
    const key = storeKeyOf(type);
    let table = this.tables.get(key);
    if (!table) {
      table = { objects: new Map(), sortedKeys: undefined, indexes: new Map() };
      this.tables.set(key, table);
    }
    this.tableOfType.set(type, table);
    return table;
  }
}
