package output_test

import (
	"os"

	"github.com/eksaccess/eksaccess/pkg/output"
)

func ExamplePrint() {
	type entry struct {
		PrincipalARN string `json:"principalArn"`
		Type         string `json:"type"`
	}
	res := output.Result{
		Doc: map[string][]entry{"accessEntries": {
			{PrincipalARN: "arn:aws:iam::111122223333:role/admin", Type: "STANDARD"},
			{PrincipalARN: "arn:aws:iam::111122223333:role/nodes", Type: "EC2_LINUX"},
		}},
		Table: output.Table{
			Header: []string{"principal arn", "type"},
			Rows: [][]string{
				{"arn:aws:iam::111122223333:role/admin", "STANDARD"},
				{"arn:aws:iam::111122223333:role/nodes", "EC2_LINUX"},
			},
		},
	}
	_ = output.Print(os.Stdout, output.Options{Format: output.TableFormat}, res)
	_ = output.Print(os.Stdout, output.Options{Format: output.JSON, Query: "accessEntries[?type == 'STANDARD'].principalArn | [0]"}, res)
	// Output:
	// PRINCIPAL ARN                         TYPE
	// arn:aws:iam::111122223333:role/admin  STANDARD
	// arn:aws:iam::111122223333:role/nodes  EC2_LINUX
	// "arn:aws:iam::111122223333:role/admin"
}
