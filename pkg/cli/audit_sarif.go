package cli

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/eksaccess/eksaccess/pkg/access"
)

// audit -o sarif: a SARIF 2.1.0 log as GitHub code scanning accepts it
// (github/codeql-action/upload-sarif). GitHub rejects a whole file in
// which any result lacks a location with a physicalLocation and an
// artifactLocation.uri ("expected at least one location", "expected a
// physical location"), so every result has one, though a cluster is no
// file of the repository: eks/ACCOUNT/REGION/CLUSTER, a stable path that
// names the cluster; the cluster and the principal are also logical
// locations. partialFingerprints keep an alert the same alert from one
// nightly run to the next, and security-severity files it under GitHub's
// severities (high 8.0, medium 5.5, low 3.0).

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	sarifInfoURI = "https://github.com/eksaccess/eksaccess"
	sarifHelpURI = sarifInfoURI + "/blob/main/docs/guides/entries-that-grant-nothing.md"
	// fingerprintKey names audit's fingerprint (versioned: a change of
	// what it hashes must change its name).
	fingerprintKey = "eksaccessFinding/v1"
)

type sarifDoc struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name"`
	ShortDescription     sarifText           `json:"shortDescription"`
	FullDescription      sarifText           `json:"fullDescription"`
	Help                 sarifHelp           `json:"help"`
	HelpURI              string              `json:"helpUri"`
	DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
	Properties           sarifRuleProperties `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	SecuritySeverity string   `json:"security-severity"` //nolint:tagliatelle // GitHub code scanning's own key
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical     `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLoc `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLoc struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifSeverities are, for each severity, its SARIF level and GitHub's
// security-severity score (above 7.0 high, 4.0 to 6.9 medium, below 4.0
// low); anything else is low.
var sarifSeverities = map[access.Severity]struct{ level, score string }{
	access.SeverityHigh:   {"error", "8.0"},
	access.SeverityMedium: {"warning", "5.5"},
	access.SeverityLow:    {"note", "3.0"},
}

// sarifLevel is the SARIF level of a severity.
func sarifLevel(s access.Severity) string { return cmp.Or(sarifSeverities[s].level, "note") }

// securitySeverity is GitHub's score of a severity.
func securitySeverity(s access.Severity) string { return cmp.Or(sarifSeverities[s].score, "3.0") }

// sarifLog is the audit as a SARIF 2.1.0 log: a rule per audit rule, a
// result per finding not repaired (a repaired one is no longer there).
func sarifLog(doc auditDoc, build BuildInfo) sarifDoc {
	driver := sarifDriver{Name: "eksaccess", Version: versionInfo(build, readBuildInfo()).Version, InformationURI: sarifInfoURI, Rules: []sarifRule{}}
	index := map[string]int{}
	for i, r := range access.AuditRules {
		index[r.ID] = i
		md := "**" + r.Summary + "**\n\n" + r.Description + "\n\n" + r.Help + "\n\nSee [Entries that grant nothing](" + sarifHelpURI + ")."
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   r.ID,
			Name:                 ruleName(r.ID),
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Description},
			Help:                 sarifHelp{Text: r.Description + "\n\n" + r.Help, Markdown: md},
			HelpURI:              sarifHelpURI,
			DefaultConfiguration: sarifConfiguration{sarifLevel(r.Severity)},
			Properties:           sarifRuleProperties{SecuritySeverity: securitySeverity(r.Severity), Tags: []string{"security", "eks", "access-entries"}, Precision: "high"},
		})
	}
	clusterARN := map[string]string{}
	for _, c := range doc.Clusters {
		clusterARN[c.Profile+"/"+c.Account+"/"+c.Region+"/"+c.Name] = c.ARN
	}
	results := []sarifResult{}
	for _, f := range doc.Findings {
		if f.Fixed {
			continue
		}
		carn := clusterARN[f.Profile+"/"+f.Account+"/"+f.Region+"/"+f.Cluster]
		cluster := carn
		if cluster == "" {
			cluster = f.Region + "/" + f.Cluster
		}
		logical := []sarifLogicalLoc{{Name: f.Cluster, FullyQualifiedName: cluster, Kind: "resource"}}
		if f.Principal != "" {
			logical = append(logical, sarifLogicalLoc{Name: f.Principal, FullyQualifiedName: cluster + "/" + f.Principal, Kind: "resource"})
		}
		text := f.Message
		if len(f.Fix) > 0 {
			text += "\n\nFix: " + strings.Join(f.Fix, "\n")
		}
		sum := sha256.Sum256([]byte(f.Rule + "\x00" + cluster + "\x00" + f.Principal))
		props := map[string]any{"cluster": f.Cluster, "region": f.Region, "severity": string(f.Severity), "fix": f.Fix}
		if carn != "" {
			props["clusterArn"] = carn
		}
		if f.Account != "" {
			props["account"] = f.Account
		}
		if f.Principal != "" {
			props["principal"] = f.Principal
		}
		results = append(results, sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{text},
			Locations:           []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: clusterURI(carn, f.Account, f.Region, f.Cluster)}, Region: sarifRegion{StartLine: 1}}, LogicalLocations: logical}},
			PartialFingerprints: map[string]string{fingerprintKey: hex.EncodeToString(sum[:])},
			Properties:          props,
		})
	}
	return sarifDoc{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{{Tool: sarifTool{Driver: driver}, Results: results}}}
}

// clusterURI is the path a cluster's results are filed under:
// eks/ACCOUNT/REGION/CLUSTER: the account the fleet read it in (STS), else
// its ARN's (without the account when it is unknown).
func clusterURI(clusterARN, account, region, name string) string {
	if account == "" {
		if a, err := arn.Parse(clusterARN); err == nil {
			account = a.AccountID
		}
	}
	if account != "" {
		return path.Join("eks", account, region, name)
	}
	return path.Join("eks", region, name)
}

// ruleName is a rule id in SARIF's PascalCase name form: RecreatedPrincipal.
func ruleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
