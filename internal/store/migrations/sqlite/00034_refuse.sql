-- +goose Up
-- PostgreSQL gets telework_refuse here (a seat booking written in one
-- statement, store.BookSeat). SQLite books in a transaction of several
-- statements and needs nothing: this migration keeps both engines' versions
-- in step.
SELECT 1;

-- +goose Down
SELECT 1;
