import { cParser, parseC } from './src/analyze/c/parser.js';
const p = await cParser();
console.log(parseC(p, `void broken(struct vring_virtqueue *vq)\n{\n\tWRITE_ONCE(vq->broken, 1);\n\tint x = = 3 +;\n}\n`).rootNode.toString());
