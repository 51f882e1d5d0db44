# In-source suppressions: one with a reason (applied), one without (not
# applied, reported), one failure left alone.

provider "aws" {
  region = "eu-west-1"
}

# pillar:ignore[s3-bucket-versioning-disabled] build artefacts are rebuilt from git, never edited
resource "aws_s3_bucket" "artifacts" {
  bucket = "example-artifacts"
}

resource "aws_security_group" "bastion" {
  name = "bastion"
  # pillar:ignore[ec2-sg-admin-port-open]
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_kms_key" "data" {
  description = "data"
}
