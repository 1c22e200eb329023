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
/** At most one progress report per this many milliseconds (far below the pool's deadline margin). */
const PROGRESS_EVERY_MS = 20;
const channel = new Socket({ fd: 3, readable: true, writable: true });

const reader = new FrameReader(
  maxBytes,
  message => {
    const request = message as EvaluationRequest;
    // Progress re-arms the pool's per-item deadline. Items of a large batch finish by the thousand a second: one
    // report per PROGRESS_EVERY_MS at most keeps the deadline per item (moved at most that much early, well
    // inside the margin) without a frame per item.
    let reported = performance.now();
    const response = runEvaluation(request, index => {
      const now = performance.now();
      if (index < request.items.length - 1 && now - reported >= PROGRESS_EVERY_MS) {
        reported = now;
        channel.write(encodeFrame({ type: 'progress', done: index + 1 }));
      }
    });
    channel.write(encodeFrame({ type: 'result', response }));
  },
  () => process.exit(2),
);
channel.on('data', chunk => reader.push(chunk));
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(1));
channel.write(encodeFrame({ type: 'ready' }));
