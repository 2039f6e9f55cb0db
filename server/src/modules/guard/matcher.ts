import { foldTable, normalise, SKIP } from './normalise.js';
import type { VariantTable } from './variants.js';

// Our banned-word scanner: Aho–Corasick over normalised UTF-16 code units in a
// double array (base/check), so one transition is two typed-array reads.
//  - Normalisation is fused into the scan: each code unit goes through the
//    fold table (width, case, Traditional → Simplified, skipped symbols), so
//    raw text is scanned once with no intermediate string.
//  - The alphabet is only the code units that occur in patterns; any other
//    character sends the automaton straight back to the root.
//  - Every occurrence is reported, overlapping ones included ("加微信号" holds
//    both 加微信 and 微信号), through output links.
//  - Variant spellings (V信 for 微信) are extra patterns that report the
//    canonical word; they cost nothing at scan time.

export type Matcher = {
  /** The canonical words, by index. */
  readonly words: readonly string[];
  readonly patternCount: number;
  readonly stateCount: number;
  /** Indexes of the words found in `text` (each once), in order of first occurrence end. */
  scan(text: string): number[];
  /** True as soon as one word occurs. */
  test(text: string): boolean;
};

type Trie = { children: Map<number, number>[]; terminal: number[] };

function expandVariants(word: string, variants: VariantTable | undefined): string[] {
  const forms = new Set([word]);
  if (!variants) return [...forms];
  for (const [canonical, spellings] of Object.entries(variants)) {
    for (const form of [...forms]) {
      if (!form.includes(canonical)) continue;
      for (const spelling of spellings) {
        const variant = normalise(form.split(canonical).join(spelling));
        if (variant.length > 0) forms.add(variant);
      }
      if (forms.size > 64) break; // a word with many expandable parts: enough spellings
    }
  }
  return [...forms];
}

/** Builds the matcher. Words are normalised; empty ones (only symbols) are dropped. */
export function buildMatcher(input: readonly string[], options: { variants?: VariantTable } = {}): Matcher {
  const fold = foldTable();
  const words: string[] = [];
  const wordIndex = new Map<string, number>();
  const patterns = new Map<string, number[]>(); // normalised pattern → canonical word indexes
  for (const raw of input) {
    const word = normalise(raw);
    if (word.length === 0 || wordIndex.has(word)) continue;
    const index = words.length;
    words.push(word);
    wordIndex.set(word, index);
    for (const form of expandVariants(word, options.variants)) {
      const list = patterns.get(form);
      if (list) {
        if (!list.includes(index)) list.push(index);
      } else patterns.set(form, [index]);
    }
  }

  // Alphabet: code units that occur in patterns → 1..A (0 = not in any pattern).
  const alpha = new Uint16Array(0x10000);
  let alphabetSize = 0;
  for (const pattern of patterns.keys()) {
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern.charCodeAt(i);
      if (alpha[c] === 0) alpha[c] = ++alphabetSize;
    }
  }
  // Every raw code unit whose fold is in the alphabet maps straight to its symbol.
  const symbolOf = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) {
    const f = fold[code]!;
    symbolOf[code] = f === SKIP ? 0xffff : alpha[f]!;
  }

  // 1. A plain trie.
  const trie: Trie = { children: [new Map()], terminal: [-1] };
  const outputs: number[][] = [];
  for (const [pattern, owners] of patterns) {
    let s = 0;
    for (let i = 0; i < pattern.length; i++) {
      const a = alpha[pattern.charCodeAt(i)]!;
      let next = trie.children[s]!.get(a);
      if (next === undefined) {
        next = trie.children.length;
        trie.children.push(new Map());
        trie.terminal.push(-1);
        trie.children[s]!.set(a, next);
      }
      s = next;
    }
    trie.terminal[s] = outputs.length;
    outputs.push(owners);
  }
  const n = trie.children.length;

  // 2. Double array: place each state's children at base + symbol, first fit
  //    over a linked list of free slots (so placing skips occupied runs at once).
  let capacity = Math.max(1024, n * 2 + alphabetSize + 1);
  let check = new Int32Array(capacity).fill(-1);
  let nextFree = new Int32Array(capacity);
  let prevFree = new Int32Array(capacity);
  const baseOfState = new Int32Array(n);
  const slotOf = new Int32Array(n); // trie state → double-array slot
  // Free list over slots 1..capacity-1, with slot 0 (the root) as its sentinel head.
  const linkFree = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      nextFree[i] = i + 1 < to ? i + 1 : 0;
      prevFree[i] = i - 1 >= from ? i - 1 : 0;
    }
  };
  linkFree(1, capacity);
  nextFree[0] = 1;
  prevFree[0] = capacity - 1;
  check[0] = 0;
  const ensure = (size: number) => {
    if (size <= capacity) return;
    let next = capacity;
    while (next < size) next *= 2;
    const grownCheck = new Int32Array(next).fill(-1);
    grownCheck.set(check);
    const grownNext = new Int32Array(next);
    grownNext.set(nextFree);
    const grownPrev = new Int32Array(next);
    grownPrev.set(prevFree);
    const tail = grownPrev[0]!;
    check = grownCheck;
    nextFree = grownNext;
    prevFree = grownPrev;
    linkFree(capacity, next);
    // Append the new slots to the end of the free list.
    if (tail === 0) {
      nextFree[0] = capacity;
      prevFree[capacity] = 0;
    } else {
      nextFree[tail] = capacity;
      prevFree[capacity] = tail;
    }
    prevFree[0] = next - 1;
    nextFree[next - 1] = 0;
    capacity = next;
  };
  const occupy = (slot: number, parent: number) => {
    check[slot] = parent;
    const p = prevFree[slot]!;
    const q = nextFree[slot]!;
    nextFree[p] = q;
    prevFree[q] = p;
  };
  const order: number[] = [0];
  for (let head = 0; head < order.length; head++) {
    const state = order[head]!;
    const children = trie.children[state]!;
    if (children.size === 0) continue;
    const symbols = [...children.keys()].sort((x, y) => x - y);
    const low = symbols[0]!;
    const high = symbols[symbols.length - 1]!;
    let b = -1;
    for (let free = nextFree[0]!; ; free = nextFree[free]!) {
      if (free === 0) {
        // No free slot fits: grow, and place right after the old end.
        const start = capacity;
        ensure(capacity + high + 1);
        free = start;
      }
      const candidate = free - low;
      if (candidate < 1) continue;
      ensure(candidate + high + 1);
      let fits = true;
      for (let k = 1; k < symbols.length; k++) {
        if (check[candidate + symbols[k]!] !== -1) {
          fits = false;
          break;
        }
      }
      if (fits) {
        b = candidate;
        break;
      }
    }
    baseOfState[state] = b;
    for (const sym of symbols) {
      const child = children.get(sym)!;
      occupy(b + sym, slotOf[state]!);
      slotOf[child] = b + sym;
      order.push(child);
    }
  }
  // Room for every base + symbol, so the scan never reads past the end.
  let maxBase = 0;
  for (let state = 0; state < n; state++) maxBase = Math.max(maxBase, baseOfState[state]!);
  ensure(maxBase + alphabetSize + 2);
  // Re-index per slot: base, fail, terminal output and output link.
  const slots = capacity;
  const baseBySlot = new Int32Array(slots);
  const failBySlot = new Int32Array(slots);
  const outBySlot = new Int32Array(slots).fill(-1);
  const linkBySlot = new Int32Array(slots).fill(-1);
  for (let state = 0; state < n; state++) {
    baseBySlot[slotOf[state]!] = baseOfState[state]!;
    outBySlot[slotOf[state]!] = trie.terminal[state]!;
  }
  const base = baseBySlot;

  // 3. Fail links and output links, breadth first.
  const step = (slot: number, sym: number): number => {
    const t = base[slot]! + sym;
    return t < slots && check[t] === slot && t !== 0 ? t : -1;
  };
  for (const state of order) {
    const slot = slotOf[state]!;
    for (const [sym, child] of trie.children[state]!) {
      const childSlot = slotOf[child]!;
      let f = slot === 0 ? -1 : failBySlot[slot]!;
      let target = 0;
      while (f !== -1) {
        const t = step(f, sym);
        if (t !== -1) {
          target = t;
          break;
        }
        f = f === 0 ? -1 : failBySlot[f]!;
      }
      failBySlot[childSlot] = target;
      linkBySlot[childSlot] = outBySlot[target] !== -1 ? target : linkBySlot[target]!;
    }
  }
  const fail = failBySlot;
  const out = outBySlot;
  const link = linkBySlot;
  const next = check; // a const view for the scan: the build's `check` binding was reassigned while growing
  const owners = outputs;
  const seen = new Uint32Array(words.length);
  let stamp = 0;

  function run(text: string, found: number[] | null): boolean {
    if (++stamp === 0xffffffff) {
      seen.fill(0);
      stamp = 1;
    }
    let s = 0;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const sym = symbolOf[text.charCodeAt(i)]!;
      if (sym === 0xffff) continue; // skipped symbol: the word goes on across it
      if (sym === 0) {
        s = 0;
        continue;
      }
      for (;;) {
        const t = base[s]! + sym; // sym ≥ 1, so t is never the root's slot
        if (next[t] === s) {
          s = t;
          break;
        }
        if (s === 0) break;
        s = fail[s]!;
      }
      let o = out[s] !== -1 ? s : link[s]!;
      while (o !== -1) {
        if (found === null) return true;
        for (const w of owners[out[o]!]!) {
          if (seen[w] !== stamp) {
            seen[w] = stamp;
            found.push(w);
          }
        }
        o = link[o]!;
      }
    }
    return false;
  }

  return {
    words,
    patternCount: patterns.size,
    stateCount: n,
    scan(text) {
      const found: number[] = [];
      run(text, found);
      return found;
    },
    test: (text) => run(text, null),
  };
}

/** The reference the benchmark counts misses against: normalise, then `includes` every word. */
export function referenceScan(words: readonly string[], normalisedText: string): number[] {
  const found: number[] = [];
  for (let i = 0; i < words.length; i++) if (normalisedText.includes(words[i]!)) found.push(i);
  return found;
}
