// The panel page end to end (index.js, ui.js, the controller) in the host model: what an artist clicks and sees.
import { describe, it, expect, beforeEach } from "vitest";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { mockStorage, mockUxp } from "./mocks/uxp.mjs";
import { fakeBridge, welcome } from "./mocks/bridge.mjs";
import { startPanelPage } from "./mocks/panel.mjs";

let bridge, ps, localStorage;

beforeEach(() => {
  bridge = fakeBridge();
  ps = mockPhotoshop();
  localStorage = mockStorage();
});

const start = (options = {}) => startPanelPage({ photoshop: ps.photoshop, uxp: mockUxp(options), localStorage, WebSocket: bridge.WebSocket, ...options });
const hello = () => bridge.sent().find((m) => m.type === "hello");

describe("the panel page", () => {
  // secureStorage.setItem: "rejected when the value is empty" (uxp-api, Key-Value Storage/SecureStorage).
  it("Connect_EmptyTokenField_ConnectsWithoutAToken (defect 1)", async () => {
    const page = await start();

    page.$("connect").click();
    await page.settle();

    expect(bridge.sockets).toHaveLength(2);
    bridge.open();
    expect(hello()).toMatchObject({ type: "hello", token: "" });
  });

  it("Connect_TokenFieldClearedAfterATokenWasKept_ForgetsTheKeptToken (defect 1)", async () => {
    const uxp = mockUxp({ token: "old" });
    const page = await startPanelPage({ photoshop: ps.photoshop, uxp, localStorage, WebSocket: bridge.WebSocket });

    page.$("token").type("");
    page.$("connect").click();
    await page.settle();
    bridge.open();

    expect(uxp.storage.secureStorage.values.has("qwenlayered.token")).toBe(false);
    expect(hello().token).toBe("");
  });

  // sp-textfield: "The password field's value cannot be read on macOS"; Adobe's workaround is a text field while focused.
  it("Connect_TokenTypedOnMacOS_SendsTheTypedToken (defect 1)", async () => {
    const page = await start({ platform: "darwin" });
    const field = page.$("token");

    field.fire("focus");
    field.type("s3cret");
    field.fire("blur");
    page.$("connect").click();
    await page.settle();
    bridge.open();

    expect(field.getAttribute("type")).toBe("password");
    expect(hello().token).toBe("s3cret");
  });

  // SecureStorage caveat: "Data in SecureStorage can be lost for various reasons".
  it("start_SecureStorageCannotBeRead_StillFillsTheAddressAndConnects (defect 9)", async () => {
    const page = await start({ damaged: true });
    bridge.open();

    expect(page.$("address").value).toBe("ws://127.0.0.1:50052/panel");
    expect(hello()).toMatchObject({ token: "" });
  });

  it("start_PhotoshopWithoutImaging_SaysWhichPhotoshopIsNeeded (defect 4)", async () => {
    ps = mockPhotoshop({ imaging: false, version: "24.4.0" });

    const page = await start({ version: "24.4.0" });

    expect(page.$("error").hidden).toBe(false);
    expect(page.$("error").textContent).toBe("QwenLayered needs Photoshop 25.0.0 or later (this is 24.4.0): update Photoshop in the Creative Cloud app.");
  });

  it("results_AfterAJob_ListsItWithInsertAgainDiscardAndUseSeed", async () => {
    const files = new Map();
    const page = await start({ files });
    bridge.open();
    await bridge.push(welcome);
    const { encodePng } = await import("../src/png.js");
    page.$("decompose").click();
    await page.settle();
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "777", width: 8, height: 4, layers: 1, steps: 4, prompt: "" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "Sky" }, encodePng(new Uint8Array(8 * 4 * 4).fill(9), 8, 4));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 4, layerCount: 1, timings: {} });

    const row = page.$("results").children[0];
    const buttons = row.querySelectorAll("sp-action-button");
    buttons.find((b) => b.textContent === "Use seed").click();

    expect(page.$("results-section").hidden).toBe(false);
    expect(row.children[0].textContent).toBe("photo.psd: 1 layer, seed 777");
    expect(buttons.map((b) => b.textContent)).toEqual(["Insert again", "Discard", "Use seed"]);
    expect(page.$("seed").value).toBe("777");
    expect(page.$("job-seed").textContent).toBe("Seed 777");
  });
});
