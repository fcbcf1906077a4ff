import type { CSSProperties } from 'react'
import type { Answer, RoundOverEvent, Solve } from '@wordwalls/client'
import { clockText, plural } from './format.ts'

type RoundOverReason = RoundOverEvent['reason']

const reasons: Record<RoundOverReason, string> = {
  time: 'Time is up.',
  give_up: 'The host gave up.',
  cleared: 'The wall is cleared!',
}

// Solutions shows the last round's answers: every alphagram with its
// words and hooks, who found each word and when, and the words missed.
export function Solutions(props: {
  round: number
  answers: Answer[]
  reason: RoundOverReason | undefined
  nameOf: (userID: string) => string
  me: string | undefined
}) {
  const length = Math.max(0, ...props.answers.map((a) => a.alphagram.length))
  const total = props.answers.reduce((n, a) => n + a.words.length, 0)
  const found = props.answers.reduce((n, a) => n + a.solves.length, 0)
  const mine = props.answers.reduce(
    (n, a) => n + a.solves.filter((s) => s.user_id === props.me).length,
    0,
  )

  return (
    <section className="solutions" aria-labelledby="solutions-title">
      <h2 id="solutions-title">Solutions</h2>
      <p className="solutions-summary">
        Round {props.round}. {props.reason ? reasons[props.reason] + ' ' : ''}
        {found} of {plural(total, 'word', 'words')} found
        {props.me ? `, ${mine} by you` : ''}.
      </p>
      <p className="help">
        Hooks stand either side of a word. A dot marks an inner hook: the word without that letter
        is a word too.
      </p>
      <div className="table-scroll">
        <table
          aria-label="Solutions"
          className="solutions-table"
          style={{ '--length': length } as CSSProperties}
        >
          <thead>
            <tr>
              <th scope="col" className="num">
                Rank
              </th>
              <th scope="col">Alphagram</th>
              <th scope="col">Words</th>
            </tr>
          </thead>
          <tbody>
            {props.answers.map((a) => (
              <tr key={a.index} className={a.solves.length < a.words.length ? 'has-missed' : ''}>
                <td className="num">{a.probability}</td>
                <th scope="row" className="alphagram">
                  {a.alphagram}
                </th>
                <td>
                  <ul className="answer-words">
                    {a.words.map((w) => {
                      const solve = a.solves.find((s) => s.word === w.word)
                      return (
                        <li key={w.word} className={solve ? 'found' : 'missed'}>
                          <span className="hooks front">
                            {w.front_hooks && <span className="sr-only">front hooks </span>}
                            {w.front_hooks}
                          </span>
                          <span className="answer">
                            {w.inner_front_hook && <InnerHook side="front" />}
                            <span className="answer-word">{w.word}</span>
                            {w.inner_back_hook && <InnerHook side="back" />}
                          </span>
                          <span className="hooks back">
                            {w.back_hooks && <span className="sr-only">back hooks </span>}
                            {w.back_hooks}
                          </span>
                          <SolvedBy solve={solve} nameOf={props.nameOf} me={props.me} />
                        </li>
                      )
                    })}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function InnerHook(props: { side: 'front' | 'back' }) {
  return (
    <span className="inner-hook" title={`inner ${props.side} hook`}>
      <span aria-hidden="true">·</span>
      <span className="sr-only"> inner {props.side} hook </span>
    </span>
  )
}

function SolvedBy(props: {
  solve: Solve | undefined
  nameOf: (id: string) => string
  me?: string
}) {
  const s = props.solve
  if (!s) {
    return <span className="solved-by missed-mark">missed</span>
  }
  return (
    <span className={s.user_id === props.me ? 'solved-by mine' : 'solved-by'}>
      {props.nameOf(s.user_id)} {clockText(s.at_ms / 1000)}
    </span>
  )
}
