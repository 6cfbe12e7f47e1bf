"""Working-time arithmetic of SLA clocks: hours of a calendar, pauses excluded."""

from datetime import datetime, timedelta

from pytz import utc

# working intervals are loaded by chunks of four weeks starting on a Monday,
# for at most two years ahead of the start of a clock
CHUNK = timedelta(days=28)
ORIGIN = datetime(2000, 1, 3)
MAX_CHUNKS = 27


class WorkClock:
    """The working intervals of one calendar (public holidays and other
    leaves of the calendar excluded), as naive UTC datetimes. Chunks are
    loaded once and kept, so that a batch of tickets of the same area costs
    the queries of its calendar once. Without a calendar every hour counts."""

    def __init__(self, calendar):
        self.calendar = calendar
        self._chunks = {}

    def _chunk(self, index):
        if index not in self._chunks:
            start = ORIGIN + CHUNK * index
            stop = start + CHUNK
            if not self.calendar:
                self._chunks[index] = [(start, stop)]
            else:
                intervals = self.calendar._work_intervals_batch(
                    utc.localize(start), utc.localize(stop)
                )[False]
                merged = []
                for begin, end, _meta in sorted(intervals, key=lambda i: i[0]):
                    begin = begin.astimezone(utc).replace(tzinfo=None)
                    end = end.astimezone(utc).replace(tzinfo=None)
                    if merged and begin <= merged[-1][1]:
                        merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                    elif end > begin:
                        merged.append((begin, end))
                self._chunks[index] = merged
        return self._chunks[index]

    def _intervals_from(self, moment):
        """Working intervals after ``moment``, the first one cut at it."""
        first = (moment - ORIGIN) // CHUNK
        for index in range(first, first + MAX_CHUNKS):
            for begin, end in self._chunk(index):
                if end > moment:
                    yield max(begin, moment), end

    def hours_between(self, start, stop):
        """Working hours between two moments."""
        hours = 0.0
        if stop <= start:
            return hours
        for begin, end in self._intervals_from(start):
            if begin >= stop:
                break
            hours += (min(end, stop) - begin).total_seconds() / 3600
        return hours

    def plan(self, start, hours):
        """The moment ``hours`` working hours after ``start`` (the start of
        the next working interval for zero hours); ``False`` when the
        calendar has no working time in the next two years."""
        for begin, end in self._intervals_from(start):
            available = (end - begin).total_seconds() / 3600
            if hours <= available:
                return begin + timedelta(hours=hours)
            hours -= available
        return False

    def deadline(self, start, hours, pauses, now):
        """The moment ``hours`` working hours have run on a clock started at
        ``start`` and stopped during ``pauses``.

        :param pauses: ``(begin, end)`` pairs in chronological order; an open
            pause (``end`` empty) lasts until ``now``: the clock is planned
            as if it started again then
        """
        moment = start
        for begin, end in pauses:
            end = end or max(now, begin)
            if end <= moment:
                continue
            if begin > moment:
                running = self.hours_between(moment, begin)
                if running >= hours:
                    return self.plan(moment, hours)
                hours -= running
            moment = max(moment, end)
        return self.plan(moment, hours)
