// cluster-key-slot ships no types; this is its one export (the slot Redis Cluster gives a key).
declare module "cluster-key-slot" {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
