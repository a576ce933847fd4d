import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { test } from "node:test";
import pg from "pg";
import { startPostgres, startRedis } from "./servers.js";

/** Sends one inline Redis command and resolves with the first reply line. */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    socket.once("error", reject);
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) {
        socket.end();
        resolve(reply.split("\r\n")[0]);
      }
    });
    socket.write(`${command}\r\n`);
  });
}

test("a throw-away Redis answers on its loopback port and is gone after stop()", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await redisCommand(redis.port, "PING"), "+PONG");
  assert.equal(await redisCommand(redis.port, "CONFIG GET save"), "*2", "answers a real command");
  await redis.stop();
  assert.ok(!existsSync(redis.dir), "its folder is removed");
  await assert.rejects(redisCommand(redis.port, "PING"), /ECONNREFUSED/);
});

test("a throw-away PostgreSQL answers select 1 with pg and is gone after stop()", async (t) => {
  const postgres = await startPostgres();
  t.after(() => postgres.stop());
  assert.match(postgres.url, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/nas_assay$/);
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  try {
    const { rows } = await client.query("select 1 as one, current_database() as db");
    assert.deepEqual(rows, [{ one: 1, db: "nas_assay" }]);
  } finally {
    await client.end();
  }
  await postgres.stop();
  assert.ok(!existsSync(postgres.dir), "its folder is removed");
  const after = new pg.Client({ connectionString: postgres.url });
  await assert.rejects(after.connect(), /ECONNREFUSED/);
});
