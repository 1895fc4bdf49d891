// executeAsModal with the one refusal the panel can wait out: Photoshop is already modal (the artist edits text,
// transforms, has a dialog open, or another plugin runs a command). Photoshop then rejects without running the
// target function ("host is in a modal state"; from 25.10 after retrying for `timeOut` seconds), and the panel
// reports a ModalBusyError so it can keep the work and try again.
const MODAL_TIMEOUT_S = 2;

class ModalBusyError extends Error {}

async function executeModal(core, target, options) {
  let entered = false;
  try {
    return await core.executeAsModal((context) => {
      entered = true;
      return target(context);
    }, { timeOut: MODAL_TIMEOUT_S, ...options });
  } catch (e) {
    if (entered) throw e;
    throw new ModalBusyError(`Photoshop is busy (${e.message}). Finish editing text, the transform or the open dialog.`);
  }
}

module.exports = { ModalBusyError, executeModal };
