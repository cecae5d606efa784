-- +goose Up
-- When a logo or signature image was last uploaded, so that images no template version
-- refers to (uploaded for a preview, or for a save that was refused) can be forgotten after
-- a while. Images stored before this migration count as old.
ALTER TABLE certificate_template_images ADD COLUMN stored_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE certificate_template_images DROP COLUMN stored_at;
