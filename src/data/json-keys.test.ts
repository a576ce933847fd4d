import assert from "node:assert/strict";
import { test } from "node:test";
import { repeatedKey, repeatedKeyAnywhere } from "./json-keys.js";

test("repeatedKey finds a key named twice at the top level of an object, escapes decoded", () => {
  assert.equal(repeatedKey('{"a":1,"b":2,"a":3}'), "a");
  assert.equal(repeatedKey('{"a":1,"b":2}'), undefined);
  // \u0061 is "a": JSON.parse reads them as one key
  assert.equal(repeatedKey('{"a":1, "\\u0061" : 2}'), "a");
  // nested objects and strings holding quotes, commas and braces are not top-level keys
  assert.equal(repeatedKey('{"m":{"x":1,"x":2},"o":"a\\",\\"m\\":{","n":[{"m":1}]}'), undefined);
  assert.equal(repeatedKey('{"m":[[0,1],[0,0]],"ops":"a,b","m":[]}'), "m");
  assert.equal(repeatedKey('  {\n "k" :\t"v" ,\n "k":"w"}\n'), "k");
  // not an object: nothing to repeat
  assert.equal(repeatedKey('["a","a"]'), undefined);
  assert.equal(repeatedKey('"a"'), undefined);
  // what counts as the same key is the caller's
  assert.equal(
    repeatedKey('{"caf\\u00e9":1,"cafe\\u0301":2}', (k) => k.normalize("NFC")),
    "cafe\u0301",
  );
  assert.equal(repeatedKey('{"caf\\u00e9":1,"cafe\\u0301":2}'), undefined);
});

test("repeatedKeyAnywhere finds a key named twice in any object, with where that object is", () => {
  assert.deepEqual(repeatedKeyAnywhere('{"a":1,"a":2}'), { key: "a", at: "" });
  assert.deepEqual(repeatedKeyAnywhere('{"d":[{"n":1},{"n":2,"o":[],"n":3}]}'), { key: "n", at: "d[1]" });
  assert.deepEqual(repeatedKeyAnywhere('{"m":{"x":{"y":1,"y":2}}}'), { key: "y", at: "m.x" });
  assert.deepEqual(repeatedKeyAnywhere('[{"a":1},{"b":1,"b":2}]'), { key: "b", at: "[1]" });
  // keys of sibling objects, and quotes, commas and braces inside strings, are no repeats
  assert.equal(repeatedKeyAnywhere('{"d":[{"n":1},{"n":2}],"s":"\\",\\"d\\":{","e":{"d":1}}'), undefined);
  assert.equal(repeatedKeyAnywhere('"a"'), undefined);
});
