// Reads Go runtime type descriptors from a Go binary: every named struct type of the packages asked
// for, with its fields' names, tags, embedding and types (pointer, slice, map, struct, basic).
// linux/amd64, non-PIE, Go 1.20–1.24; the layout is internal/abi's
// (https://github.com/golang/go/blob/go1.23.0/src/internal/abi/type.go).
import { readFileSync } from 'node:fs';

export const KIND = { bool: 1, int: 2, int32: 5, int64: 6, uint8: 8, uint32: 10, uint64: 11 } as const;
export const K_FLOAT32 = 13;
export const K_FLOAT64 = 14;
export const K_INTERFACE = 20;
export const K_MAP = 21;
export const K_PTR = 22;
export const K_SLICE = 23;
export const K_STRING = 24;
export const K_STRUCT = 25;

export interface GoField {
  goName: string;
  embedded: boolean;
  tag: string;
  type: GoType;
}

export interface GoType {
  kind: number;
  /** As Go prints it: `v1.Pod`, `*int32`, `[]string`. */
  name: string;
  named: boolean;
  pkgPath: string;
  elem?: GoType;
  key?: GoType;
  fields?: GoField[];
}

interface Section {
  name: string;
  addr: bigint;
  off: number;
  size: number;
}

export class GoBinary {
  private readonly buf: Buffer;
  private readonly sections: Section[] = [];
  private types = 0n;
  private etypes = 0n;
  private readonly cache = new Map<bigint, GoType>();

  constructor(path: string) {
    const b = (this.buf = readFileSync(path));
    if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) throw new Error(`${path}: not a 64-bit ELF file`);
    const shoff = Number(b.readBigUInt64LE(0x28));
    const shentsize = b.readUInt16LE(0x3a);
    const shnum = b.readUInt16LE(0x3c);
    const shstrndx = b.readUInt16LE(0x3e);
    const raw = Array.from({ length: shnum }, (_, i) => {
      const o = shoff + i * shentsize;
      return {
        nameOff: b.readUInt32LE(o),
        type: b.readUInt32LE(o + 4),
        addr: b.readBigUInt64LE(o + 0x10),
        off: Number(b.readBigUInt64LE(o + 0x18)),
        size: Number(b.readBigUInt64LE(o + 0x20)),
      };
    });
    const strtab = raw[shstrndx]!;
    for (const s of raw) {
      if (s.type === 8) continue; // NOBITS (.bss)
      const start = strtab.off + s.nameOff;
      const name = b.toString('latin1', start, b.indexOf(0, start));
      this.sections.push({ name, addr: s.addr, off: s.off, size: s.size });
    }
    this.findModuleData();
  }

  private off(addr: bigint): number {
    for (const s of this.sections) {
      if (s.addr !== 0n && addr >= s.addr && addr < s.addr + BigInt(s.size))
        return s.off + Number(addr - s.addr);
    }
    throw new Error(`address 0x${addr.toString(16)} is outside the file`);
  }

  private u8(a: bigint): number {
    return this.buf[this.off(a)]!;
  }

  private i32(a: bigint): number {
    return this.buf.readInt32LE(this.off(a));
  }

  private u64(a: bigint): bigint {
    return this.buf.readBigUInt64LE(this.off(a));
  }

  /** runtime.moduledata holds `types, etypes, rodata, gofunc, textsectmap, typelinks`: find it by typelinks. */
  private findModuleData(): void {
    const typelink = this.sections.find((s) => s.name === '.typelink');
    if (!typelink) throw new Error('no .typelink section: not a Go binary?');
    for (const s of this.sections.filter((x) => x.name === '.noptrdata' || x.name === '.data')) {
      for (let o = 0; o + 16 <= s.size; o += 8) {
        if (this.buf.readBigUInt64LE(s.off + o) !== typelink.addr) continue;
        if (Number(this.buf.readBigUInt64LE(s.off + o + 8)) !== typelink.size / 4) continue;
        this.types = this.buf.readBigUInt64LE(s.off + o - 56);
        this.etypes = this.buf.readBigUInt64LE(s.off + o - 48);
        return;
      }
    }
    throw new Error('runtime.moduledata not found');
  }

  /** An abi.Name: flags (1 exported, 2 has tag, 8 embedded), varint length, bytes, then the tag likewise. */
  private nameAt(addr: bigint): { name: string; tag: string; flags: number } {
    const b = this.buf;
    let p = this.off(addr);
    const flags = b[p++]!;
    const varint = (): number => {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const c = b[p++]!;
        v |= (c & 0x7f) << shift;
        if (c < 0x80) return v;
      }
    };
    const n = varint();
    const name = b.toString('utf8', p, p + n);
    p += n;
    let tag = '';
    if (flags & 2) {
      const t = varint();
      tag = b.toString('utf8', p, p + t);
    }
    return { name, tag, flags };
  }

  private nameOff(off: number): string {
    return this.nameAt(this.types + BigInt(off)).name;
  }

  /** An abi.Type (48 bytes) and what follows it for its kind; uncommon data gives a named type's package. */
  typeAt(addr: bigint): GoType {
    const hit = this.cache.get(addr);
    if (hit) return hit;
    const tflag = this.u8(addr + 20n);
    const kind = this.u8(addr + 23n) & 0x1f;
    let name = this.nameOff(this.i32(addr + 40n));
    if (tflag & 2) name = name.slice(1);
    const t: GoType = { kind, name, named: (tflag & 4) !== 0, pkgPath: '' };
    this.cache.set(addr, t);
    let uncommon: bigint | undefined = addr + 48n;
    if (kind === K_PTR || kind === K_SLICE) {
      t.elem = this.typeAt(this.u64(addr + 48n));
      uncommon = addr + 56n;
    } else if (kind === K_MAP) {
      t.key = this.typeAt(this.u64(addr + 48n));
      t.elem = this.typeAt(this.u64(addr + 56n));
      uncommon = undefined; // the map type's size differs between Go versions; not needed
    } else if (kind === K_STRUCT) {
      uncommon = addr + 80n;
      const fields = this.u64(addr + 56n);
      const count = Number(this.u64(addr + 64n));
      t.fields = [];
      if (tflag & 1) t.pkgPath = this.nameOff(this.i32(uncommon));
      for (let i = 0; i < count; i++) {
        const f = fields + BigInt(i * 24);
        const n = this.nameAt(this.u64(f));
        t.fields.push({
          goName: n.name,
          embedded: (n.flags & 8) !== 0,
          tag: n.tag,
          type: this.typeAt(this.u64(f + 8n)),
        });
      }
      return t;
    } else if (kind === K_INTERFACE) {
      uncommon = addr + 80n;
    } else if (kind !== K_STRING && kind > K_FLOAT64) {
      uncommon = undefined;
    }
    if (uncommon !== undefined && tflag & 1) t.pkgPath = this.nameOff(this.i32(uncommon));
    return t;
  }

  /** Named struct types by `pkgPath.Name`, for the packages asked, found by scanning the type area. */
  structs(pkgs: ReadonlySet<string>): Map<string, GoType> {
    const out = new Map<string, GoType>();
    const base = this.off(this.types);
    const limit = Number(this.etypes - this.types) - 88;
    for (let o = 0; o < limit; o += 8) {
      const p = base + o;
      if ((this.buf[p + 20]! & 5) !== 5 || (this.buf[p + 23]! & 0x1f) !== K_STRUCT) continue;
      const str = this.buf.readInt32LE(p + 40);
      const pkgOff = this.buf.readInt32LE(p + 80);
      if (str <= 0 || str >= limit || pkgOff <= 0 || pkgOff >= limit) continue;
      let pkg: string;
      try {
        pkg = this.nameOff(pkgOff);
      } catch {
        continue;
      }
      if (!pkgs.has(pkg)) continue;
      const t = this.typeAt(this.types + BigInt(o));
      const key = `${pkg}.${t.name.slice(t.name.lastIndexOf('.') + 1)}`;
      if (!out.has(key)) out.set(key, t);
    }
    return out;
  }
}
