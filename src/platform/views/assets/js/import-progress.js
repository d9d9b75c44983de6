// The import progress page, live: polls the page's small JSON endpoint (data-url) and moves the bar. Without
// JavaScript the page refreshes itself (a <noscript> meta refresh) and has a refresh link, so this only adds.
const POLL_MS = 1000

function start(root) {
  if (root.dataset.finished === 'true') return
  const bar = root.querySelector('progress')
  const text = root.querySelector('[data-progress-text]')
  const poll = async () => {
    let data
    try {
      const response = await fetch(root.dataset.url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      if (!response.ok) return setTimeout(poll, POLL_MS * 5)
      data = await response.json()
    } catch {
      return setTimeout(poll, POLL_MS * 5)
    }
    const percent = data.total ? Math.floor((data.processed / data.total) * 100) : 100
    bar.max = data.total
    bar.value = data.processed
    bar.textContent = `${percent}%`
    text.textContent = `${data.processed} of ${data.total} rows processed (${percent}%).`
    // Finished: load the page again for the counts, the rows to review and the failed rows.
    if (data.status === 'completed') window.location.reload()
    else setTimeout(poll, POLL_MS)
  }
  setTimeout(poll, POLL_MS)
}

for (const root of document.querySelectorAll('[data-module="lantern-import-progress"]')) start(root)
