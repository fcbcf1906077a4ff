import { useEffect, useState } from 'react'
import type { ServerClock } from '@wordwalls/client'
import { clockText } from './format.ts'

// useSecondsLeft is the whole seconds until the server time target, and
// re-renders exactly when that number changes.
export function useSecondsLeft(clock: ServerClock, target: number | undefined): number | undefined {
  const [, setTick] = useState(0)

  useEffect(() => {
    if (target === undefined) {
      return
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    const wake = () => {
      setTick((n) => n + 1)
      if (clock.remainingMs(target) > 0) {
        timer = setTimeout(wake, clock.msUntilNextSecond(target))
      }
    }
    timer = setTimeout(wake, clock.msUntilNextSecond(target))
    return () => clearTimeout(timer)
  }, [clock, target])

  return target === undefined ? undefined : clock.secondsLeft(target)
}

// RoundClock shows the time left in the running round, or the round's
// length between rounds, and announces the last ten seconds.
export function RoundClock(props: {
  clock: ServerClock
  deadline: number | undefined
  timeLimit: number
}) {
  const left = useSecondsLeft(props.clock, props.deadline)
  const shown = left ?? props.timeLimit
  const urgent = left !== undefined && left <= 10

  return (
    <div className={urgent ? 'clock urgent' : 'clock'}>
      <span className="sr-only">Time left: </span>
      <span data-testid="clock" className="clock-digits">
        {clockText(shown)}
      </span>
      <div className="sr-only" aria-live="assertive" aria-atomic="true">
        {urgent && left > 0 ? (left === 10 ? '10 seconds left' : String(left)) : ''}
      </div>
    </div>
  )
}

// StartingIn counts down the seconds before a round starts.
export function StartingIn(props: { clock: ServerClock; startsAt: number; round: number }) {
  const left = useSecondsLeft(props.clock, props.startsAt) ?? 0
  return (
    <div className="starting" role="status">
      <p className="starting-round">Round {props.round}</p>
      <p>
        {left > 0 ? (
          <>
            starts in <span className="starting-count">{left}</span>
          </>
        ) : (
          'starting…'
        )}
      </p>
    </div>
  )
}
