// Starts dynalite on loopback and tells the JVM which port it got.
// Args: <port> [<data path>]. Exits when the parent closes stdin (the JVM died) or on SIGTERM.
'use strict'
const dynalite = require('dynalite')
const port = Number(process.argv[2] || 0)
const path = process.argv[3]
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
let stopping = false
function stop (code) {
  if (stopping) return
  stopping = true
  server.close(() => process.exit(code))
  setTimeout(() => process.exit(code), 2000).unref()
}
server.on('error', (err) => { console.error('dynalite: ' + err.message); process.exit(1) })
// dynalite rethrows a request stream's error ('aborted', ECONNRESET when a client gives up in the
// middle of sending a body, e.g. on its own timeout) from inside the request: uncaught, that would
// end the whole server. The client is gone and the request was never applied, so carry on.
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.message === 'aborted')) {
    console.error('dynalite: a client aborted its request (' + err.message + '); request dropped')
    return
  }
  console.error('dynalite: ' + (err && err.stack ? err.stack : err))
  process.exit(1)
})
server.listen(port, '127.0.0.1', () => console.log('LISTENING ' + server.address().port))
process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
process.stdin.on('end', () => stop(0))
process.stdin.on('error', () => stop(0))
process.stdin.resume()
