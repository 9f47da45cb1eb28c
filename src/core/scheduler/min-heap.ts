/** A binary min-heap keyed by due time; ties keep insertion order. */
export interface HeapItem {
  readonly key: string;
  readonly dueAt: number;
}

interface Entry extends HeapItem {
  readonly seq: number;
}

export class MinHeap {
  private items: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: HeapItem): void {
    this.items.push({ ...item, seq: this.seq++ });
    this.up(this.items.length - 1);
  }

  peek(): HeapItem | undefined {
    return this.items[0];
  }

  pop(): HeapItem | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.dueAt < y.dueAt || (x.dueAt === y.dueAt && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
