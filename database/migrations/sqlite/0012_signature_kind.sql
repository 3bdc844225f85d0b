-- Free-text answers of responses are signed too, to find campaigns among
-- them; their signatures are never queued for review (answers are not
-- published) and do not count towards an account's comment limits.
ALTER TABLE mod_signatures ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment';
