/**
 * Execution timeouts waiting to fire, earliest first: a binary heap of (time, execution
 * key). Entries are not removed when a timer is reset or the execution finishes; the
 * engine re-checks the execution when an entry comes due and drops stale ones, so a reset
 * costs one push and 10,000 running executions cost no scans.
 */
export interface Due {
  at: number;
  key: string;
}

export class DueHeap {
  private items: Due[] = [];

  get size(): number {
    return this.items.length;
  }

  push(at: number, key: string): void {
    const a = this.items;
    a.push({ at, key });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].at <= a[i].at) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  peek(): Due | undefined {
    return this.items[0];
  }

  pop(): Due | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].at < a[m].at) m = l;
        if (r < a.length && a[r].at < a[m].at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
