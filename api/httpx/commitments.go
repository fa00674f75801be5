package httpx

import (
	"context"
	"mime/multipart"

	"minyi/commitments"
	"minyi/exports"
)

// CommitmentsPath is the public page of an org's commitments of a period.
func CommitmentsPath(orgID, period string) string { return "/c/" + orgID + "/" + period }

// CommitmentsLink is the absolute link the notice board's QR code opens.
func CommitmentsLink(baseURL, orgID, period string) string {
	return baseURL + CommitmentsPath(orgID, period)
}

// ImportCommitments reads an uploaded commitments workbook and imports (or
// checks) it into org orgID.
func ImportCommitments(ctx context.Context, ops *commitments.Service, orgID string, fh *multipart.FileHeader, dryRun bool) (*commitments.ImportResult, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := exports.ReadCommitments(ctx, f)
	if err != nil {
		return nil, err
	}
	return ops.Import(ctx, orgID, rows, dryRun)
}
