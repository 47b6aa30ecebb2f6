// lz4js ships no types: the two functions tokenaudit uses (LZ4 frame format).
declare module 'lz4js' {
  export function decompress(source: Uint8Array, maxSize?: number): Uint8Array;
  export function compress(source: Uint8Array, maxSize?: number): Uint8Array;
}
