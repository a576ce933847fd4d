import assert from "node:assert/strict";
import { test } from "node:test";
import { inOurWords } from "./queue-messages.js";

test("BullMQ's messages about locks and stalled jobs are told as what happened to the run", () => {
  // the words the break test saw after killing workers and restarting Redis mid-run
  assert.match(
    inOurWords("job stalled more than allowable limit"),
    /^its worker was lost 2 times \(killed, frozen/,
  );
  assert.match(
    inOurWords("could not renew lock for job run-f8d5"),
    /^could not renew the lock of job run-f8d5 \(Redis/,
  );
  assert.match(
    inOurWords("Missing lock for job run-f8d5. moveToFinished"),
    /^the result of job run-f8d5 was not recorded: .* runs again$/,
  );
  assert.match(
    inOurWords("Missing lock for job run-f8d5. moveToDelayed"),
    /^the outcome of job run-f8d5 was not recorded/,
  );
  assert.match(
    inOurWords("Lock mismatch for job run-1. Cmd moveToFinished from active"),
    /^job run-1 had been taken over by another worker/,
  );
  assert.match(
    inOurWords("Missing key for job run-1. moveToFinished"),
    /^job run-1 was removed from the queue/,
  );
  // anything else is passed on as it is
  assert.equal(inOurWords("connect ECONNREFUSED 127.0.0.1:6379"), "connect ECONNREFUSED 127.0.0.1:6379");
});

test("Redis out of memory is told without the script hash that changes from one command to the next", () => {
  const a = inOurWords(
    "OOM command not allowed when used memory > 'maxmemory'. script: d96ca626f1ea141b44a856b312fc636d99aa9ea9, on @user_script:217.",
  );
  const b = inOurWords(
    "OOM command not allowed when used memory > 'maxmemory'. script: 1e9bb7deb6219644a634d32c430ce15ed39a377e, on @user_script:119.",
  );
  assert.equal(a, b);
  assert.match(a, /^Redis is out of memory: .* raise maxmemory on the Redis server$/);
});
