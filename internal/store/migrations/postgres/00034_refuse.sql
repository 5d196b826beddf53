-- +goose Up
-- telework_refuse(reason) fails the statement that reaches it with SQLSTATE
-- TW001 and reason as its message. A statement that writes several rows at
-- once (a seat booking: the booking, its half-day rows, its audit entry and
-- the day's counters, store.BookSeat) calls it when it finds that one of its
-- conditional writes did not happen (a counter at the office's capacity), so
-- the whole statement, and with it everything it wrote, is undone. VOLATILE,
-- so that it is never evaluated ahead of the condition that guards it.
-- +goose StatementBegin
CREATE FUNCTION telework_refuse(reason TEXT) RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'TW001', MESSAGE = reason;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION telework_refuse(TEXT);
