// Progressive enhancement for the audit pages. Without JavaScript every form posts as usual;
// with it, area drafts save themselves a moment after each change, and printable records get a
// print button. The server decides everything: this script only sends the form and reports.

const DELAY_MS = 1500;

function clock() {
  return new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

function autosave(form) {
  const status = form.querySelector('[data-autosave-status]');
  const version = form.querySelector('input[name="version"]');
  let timer;
  let saving = false;
  let again = false;
  let stopped = false;
  let submitter;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  async function save() {
    if (stopped) return;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    again = false;
    say('Saving your draft…');
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { Accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
        credentials: 'same-origin',
      });
      const result = await response.json().catch(() => ({}));
      if (response.ok && result.saved) {
        // The next save names the version this one made, so it is not mistaken for a stale one.
        version.value = String(result.version);
        say(`Draft saved at ${clock()}.`);
      } else if (response.status === 409) {
        // Someone else saved first: stop, keep the text, and let the full save show what changed.
        stopped = true;
        say(
          result.conflict
            ? 'Someone else has saved changes to this audit since you opened it. Your text is still here but has not been saved: select a save button to see what changed.'
            : result.message || 'This audit can no longer be changed here.',
        );
      } else if (response.status === 400 && Array.isArray(result.errors) && result.errors.length) {
        say(`Draft not saved: ${result.errors[0].text}.`);
      } else {
        say('Draft not saved. Your text is still here: select a save button to save it.');
      }
    } catch {
      say('Draft not saved: no connection. Your text is still here.');
    } finally {
      saving = false;
      if (submitter !== undefined) {
        // A save button was pressed while a draft was on its way: send the form now, with the
        // version that draft made.
        const button = submitter;
        submitter = undefined;
        stopped = true;
        form.requestSubmit(button || undefined);
      } else if (again) {
        schedule();
      }
    }
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', (event) => {
    clearTimeout(timer);
    if (saving && !stopped) {
      event.preventDefault();
      submitter = event.submitter || null;
      return;
    }
    stopped = true;
  });
}

for (const form of document.querySelectorAll('form[data-autosave]')) autosave(form);

for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
