/** Types for crc-32's CRC-32C module (the package ships types for CRC-32 only). */
declare module "crc-32/crc32c.js" {
  const CRC32C: {
    /** CRC-32C of a byte array, as a signed 32-bit integer. */
    buf(data: Uint8Array, seed?: number): number;
  };
  export default CRC32C;
}
