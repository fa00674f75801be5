package exports

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"minyi/commitments"
)

// SheetPledge is the sheet of the printable 公开承诺书.
const SheetPledge = "公开承诺书"

// Pledge is one owner's approved commitments of a period, to print and sign.
type Pledge struct {
	Owner   commitments.Owner
	OrgName string
	Period  string
	Items   []commitments.Commitment
}

var pledgeHeader = []string{"序号", "类别", "承诺内容", "衡量目标", "完成时限", "责任人"}

var pledgeWidths = []float64{6, 7, 36, 26, 11, 9}

// WritePledge writes the 公开承诺书 of p to w: A4 portrait, one page wide,
// the table's header repeated on every page, lines to sign and date.
func WritePledge(w io.Writer, p Pledge) error {
	b, err := newLedgerBook()
	if err != nil {
		return err
	}
	defer b.f.Close()
	sh := SheetPledge
	if err := b.sheet(0, sh, p.OrgName+" "+commitments.PeriodLabel(p.Period), len(pledgeHeader), 0, true); err != nil {
		return fmt.Errorf("pledge sheet: %w", err)
	}
	if err := b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sh, RefersTo: "'" + sh + "'!$4:$4"}); err != nil {
		return err
	}
	if err := b.pledgeTop(p); err != nil {
		return fmt.Errorf("pledge: %w", err)
	}
	for i, c := range p.Items {
		n := i + 5
		cells := []any{i + 1, c.Area.Label(), c.Content.Content, c.Target, c.Due, c.Responsible}
		if err := b.row(sh, n, cells); err != nil {
			return err
		}
		if err := b.fitHeight(sh, n, cells, pledgeWidths); err != nil {
			return err
		}
		if err := b.styled(sh, n, 1, 6, b.wrap); err != nil {
			return err
		}
	}
	if err := b.pledgeFoot(p, len(p.Items)+6); err != nil {
		return fmt.Errorf("pledge: %w", err)
	}
	return writeWorkbook(b.f, w)
}

func (b *ledgerBook) pledgeTop(p Pledge) error {
	sh := SheetPledge
	for i, wd := range pledgeWidths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := b.f.SetColWidth(sh, col, col, wd); err != nil {
			return err
		}
	}
	centre, err := b.f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true, Size: 18},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	if err := b.f.MergeCell(sh, "A1", "F1"); err != nil {
		return err
	}
	if err := b.f.SetCellValue(sh, "A1", commitments.PeriodLabel(p.Period)+"公开承诺书"); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sh, "A1", "F1", centre); err != nil {
		return err
	}
	if err := b.f.SetRowHeight(sh, 1, 36); err != nil {
		return err
	}
	if err := b.f.MergeCell(sh, "A2", "F2"); err != nil {
		return err
	}
	line := "承诺人：" + p.Owner.Name + "（" + p.Owner.Type.Label() + "）　　所在组织：" + p.OrgName + "　　时期：" + commitments.PeriodLabel(p.Period)
	if err := b.f.SetCellValue(sh, "A2", line); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sh, "A2", "F2", b.txt); err != nil {
		return err
	}
	return b.header(sh, 4, pledgeHeader, nil)
}

func (b *ledgerBook) pledgeFoot(p Pledge, n int) error {
	sh := SheetPledge
	lines := []string{
		"以上承诺经党支部审核通过并向群众公开，接受党组织和群众监督，按期兑现；未能兑现的，向群众说明原因。",
		"",
		"承诺人（签字）：＿＿＿＿＿＿＿＿　　　　日期：＿＿＿＿年＿＿月＿＿日",
		"",
		"党支部审核意见：＿＿＿＿＿＿＿＿＿＿＿＿　　（盖章）　　日期：＿＿＿＿年＿＿月＿＿日",
	}
	for i, l := range lines {
		row := strconv.Itoa(n + i)
		if err := b.f.MergeCell(sh, "A"+row, "F"+row); err != nil {
			return err
		}
		if err := b.f.SetCellValue(sh, "A"+row, l); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(sh, "A"+row, "F"+row, b.txt); err != nil {
			return err
		}
		if err := b.f.SetRowHeight(sh, n+i, 24); err != nil {
			return err
		}
	}
	return nil
}
