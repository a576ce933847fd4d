import assert from "node:assert/strict";
import { test } from "node:test";
import { predictionText } from "./text.js";

test("predict's table keeps the digits of a value below 0.001 (a latency in seconds printed 0.00000 for every cell)", () => {
  assert.equal(predictionText(0.93456789), "0.93457");
  assert.equal(predictionText(1298.641771), "1298.64177");
  assert.equal(predictionText(0), "0.00000");
  assert.equal(predictionText(0.000123456789), "0.000123457");
  assert.equal(predictionText(-3.2e-7), "-3.20000e-7");
  assert.notEqual(predictionText(2e-6), predictionText(3e-6));
  // from a million up, six significant digits (toFixed wrote 1.2306226511314591e+300 whole)
  assert.equal(predictionText(1.2306226511314591e300), "1.23062e+300");
  assert.equal(predictionText(-2345678.9), "-2.34568e+6");
  assert.equal(predictionText(999999.5), "999999.50000");
});
