import { Lobby } from './lobby.tsx'
import { PreferencesButton } from './preferences-dialog.tsx'
import { followLink, parseRoute, usePath } from './route.ts'
import { TablePage } from './table-page.tsx'

export function App() {
  const route = parseRoute(usePath())

  return (
    <>
      <header className="site-header">
        <a href="/" className="site-name" onClick={followLink}>
          Wordwalls
        </a>
        <PreferencesButton />
      </header>
      {route.page === 'lobby' && <Lobby />}
      {route.page === 'table' && <TablePage key={route.table} table={route.table} />}
      {route.page === 'missing' && (
        <main className="page narrow">
          <h1>Page not found</h1>
          <p>
            <a href="/" onClick={followLink}>
              Go to the lobby
            </a>
          </p>
        </main>
      )}
    </>
  )
}
