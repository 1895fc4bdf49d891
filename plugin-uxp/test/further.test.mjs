// "Decompose this layer further" (issue #29): one click on a layer of an earlier result replaces it with its own group
// of layers, in one history step (Adobe's executeAsModal hostControl.suspendHistory; Layer.move, Layer.delete).
import { describe, it, expect } from "vitest";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { fakeBridge, fakeTimers, welcome } from "./mocks/bridge.mjs";
import { recordingView, startPanel, png } from "./mocks/panel.mjs";

describe("decomposeFurther", () => {
  it("replaces the active layer by its own group of layers, in one modal call and one history step", async () => {
    const bridge = fakeBridge();
    const ps = mockPhotoshop();
    const panel = await startPanel({ bridge, timers: fakeTimers(), ps, view: recordingView() });
    await bridge.push(welcome);

    await panel.decomposeFurther({ layers: 2, prompt: "", resolution: 640, steps: 4 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    ps.calls.length = 0;
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "9", width: 20, height: 10, layers: 2, steps: 4, prompt: "" });
    for (const index of [0, 1]) await bridge.push({ type: "layer", jobId: "job-1", sequence: 3 + index, index, name: `l${index}` }, png(20, 10));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 5, layerCount: 2, timings: [] });

    const order = ps.calls.map((c) => (c.name === "move" || c.name === "delete" ? `${c.name} ${JSON.stringify(c.args)}` : c.name));
    expect(order.filter((n) => n === "executeAsModal")).toHaveLength(1);
    expect(order.filter((n) => n === "suspendHistory")).toHaveLength(1);
    const moved = order.indexOf('move {"layer":"Sky (seed 9)","relativeTo":"Sky","placement":"placeBefore"}');
    const deleted = order.indexOf('delete "Sky"');
    expect(moved).toBeGreaterThan(order.indexOf("createLayerGroup"));
    expect(deleted).toBeGreaterThan(moved);
    expect(order.lastIndexOf("resumeHistory")).toBeGreaterThan(deleted);
    expect(ps.calls.find((c) => c.name === "resumeHistory").args.commit).toBeUndefined();
  });
});
