#!/bin/sh
# Run the database migrations of an image before the services roll to it:
#
#   deploy/aws/run_migrate.sh IMAGE_URI [STACK_NAME]     (STACK_NAME defaults to Atelier)
#
# Registers a revision of the stack's migrate task definition with IMAGE_URI (everything
# else, secrets included, as deployed), runs it once in the task subnets, waits for it to stop
# and exits with the container's exit code. Then: cdk deploy -c imageUri=IMAGE_URI.
# Needs the AWS CLI v2 and python3, with credentials for the stack's account and Region.
set -eu

image=${1:?usage: run_migrate.sh IMAGE_URI [STACK_NAME]}
stack=${2:-Atelier}

output() {
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
cluster=$(output ClusterName)
family=$(output MigrateTaskFamily)
subnets=$(output TaskSubnets)
group=$(output BackendSecurityGroup)

definition=$(aws ecs describe-task-definition --task-definition "$family" \
  --query taskDefinition --output json | IMAGE="$image" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
for key in ("taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
            "registeredAt", "registeredBy", "deregisteredAt"):
    d.pop(key, None)
d["containerDefinitions"][0]["image"] = os.environ["IMAGE"]
print(json.dumps(d))')
arn=$(aws ecs register-task-definition --cli-input-json "$definition" \
  --query taskDefinition.taskDefinitionArn --output text)
echo "migrate: $arn"

task=$(aws ecs run-task --cluster "$cluster" --task-definition "$arn" --launch-type FARGATE \
  --started-by atelier-migrate --count 1 \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$group],assignPublicIp=DISABLED}" \
  --query 'tasks[0].taskArn' --output text)
echo "migrate: running $task"

# The CLI waiter gives up after 10 minutes; wait up to an hour for a long migration.
tries=0
until aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task" 2>/dev/null; do
  tries=$((tries + 1))
  [ "$tries" -lt 6 ] || { echo "migrate: $task still running after an hour" >&2; exit 1; }
  echo "migrate: still running"
done
code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
  --query 'tasks[0].containers[0].exitCode' --output text)
reason=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \
  --query 'tasks[0].stoppedReason' --output text)
echo "migrate: exit code $code ($reason); logs in the stack's MigrateLogs log group"
[ "$code" = "0" ]
