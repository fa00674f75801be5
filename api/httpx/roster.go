package httpx

import (
	"context"
	"mime/multipart"

	"minyi/exports"
	"minyi/surveys"
)

// ImportRoster decodes an uploaded roster workbook and hands its rows to
// the import (surveys.OrgService.ImportRoster); POST /api/v1/members/import
// and the /admin/orgs/{id} upload form share it.
func ImportRoster(ctx context.Context, ops *surveys.OrgService, fh *multipart.FileHeader, opt surveys.ImportOptions) (*surveys.ImportResult, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := exports.ReadRoster(ctx, f)
	if err != nil {
		return nil, err
	}
	return ops.ImportRoster(ctx, rows, opt)
}
