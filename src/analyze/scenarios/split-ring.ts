// The split ring the ring scenarios run on: one entry, one buffer of one out descriptor.

/** Ring settings fixed at setup: one entry, no indirect descriptors, no DMA API, SMP barriers. */
export const ONE_ENTRY_RING = { 'vq->indirect': 0, 'vq->split.vring.num': 1, 'vq->use_dma_api': 0, 'vq->weak_barriers': 1 };

/** virtqueue_add_split() arguments: one buffer of one out descriptor, no context. */
export const ADD_PARAMS = { total_sg: 1, out_sgs: 1, in_sgs: 0 };
export const BUF_LEN = 4;
/** Setup-time fields and the driver's own scatterlist: fixed for the scenario. */
export const ADD_CONSTANTS = { 'sg[0].length': BUF_LEN, 'vq->premapped': 0, 'vq->do_unmap': 0 };
