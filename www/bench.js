// The browser benchmark page: hands the picked file to bench-worker.js and shows
// the timings it reports as JSON (read by tests/e2e/bench.mjs).
const out = document.getElementById('out');
const worker = new Worker('bench-worker.js', { type: 'module' });
worker.onmessage = ({ data }) => {
  out.textContent = JSON.stringify(data, null, 2);
  out.dataset.done = data.error ? 'error' : 'yes';
};
worker.onerror = (e) => {
  out.textContent = `worker error: ${e.message}`;
  out.dataset.done = 'error';
};
document.getElementById('file').addEventListener('change', (e) => {
  const file = e.target.files[0];
  if (!file) return;
  out.textContent = `loading ${file.name} (${file.size} bytes)…`;
  delete out.dataset.done;
  worker.postMessage({ file });
});
