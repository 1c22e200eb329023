/**
 * The evaluator process: the entry module the evaluator pool starts (one per pool slot).
 * It reads evaluation requests from file descriptor 3, carries each out with the in-process
 * interpreter, and writes back a progress frame after each item and the response at the end.
 * It holds nothing between requests. Whatever a template does here — run out of memory,
 * loop past its deadline — ends this process, never the server; when the server goes away
 * (its end of the pipe closes), this process exits.
 */
import { Socket } from 'node:net';
import { runEvaluation, type EvaluationRequest } from './evaluation.js';
import { encodeFrame, FrameReader } from './message-frames.js';

/** Largest request frame accepted; the pool passes its own limit. */
const maxBytes = Number(process.argv[2]) || 64 * 1024 * 1024;
const channel = new Socket({ fd: 3, readable: true, writable: true });

const reader = new FrameReader(
  maxBytes,
  message => {
    const request = message as EvaluationRequest;
    const response = runEvaluation(request, index => {
      if (index < request.items.length - 1) channel.write(encodeFrame({ type: 'progress', done: index + 1 }));
    });
    channel.write(encodeFrame({ type: 'result', response }));
  },
  () => process.exit(2),
);
channel.on('data', chunk => reader.push(chunk));
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(1));
channel.write(encodeFrame({ type: 'ready' }));
